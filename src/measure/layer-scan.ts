// What one pass over a layer blob records: the input of the pure flattening step.
import type { ElfHeader } from './elf-header.ts';

/** One layer tar entry; paths are absolute ("/usr/bin/x"), normalised. */
export type LayerEntry =
  | { kind: 'file'; path: string; bytes: number; elf: ElfHeader | null; upx: boolean }
  | { kind: 'hardlink'; path: string; target: string }
  | { kind: 'symlink'; path: string; target: string }
  | { kind: 'dir'; path: string }
  /** A `.wh.<name>` file: `path` is what it deletes from lower layers. */
  | { kind: 'whiteout'; path: string }
  /** A `.wh..wh..opq` file: `path` is the directory whose lower contents are hidden. */
  | { kind: 'opaque'; path: string }
  /** Devices, fifos: metadata only. */
  | { kind: 'other'; path: string };

export type LayerCompression = 'gzip' | 'zstd' | 'none';

export interface LayerScan {
  compression: LayerCompression;
  /** Blob bytes when compressed, else the gzip size computed on the fly. */
  compressedBytes: number;
  /** Length of the uncompressed layer tar. */
  tarBytes: number;
  entries: LayerEntry[];
}
