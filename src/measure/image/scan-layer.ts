// One pass over a layer blob: decompress, walk the inner tar, and keep per-entry facts (paths and
// whiteouts, ELF headers, UPX packing).

import type { Writable as NodeWritable } from 'node:stream';
import { createGunzip, createZstdDecompress } from 'node:zlib';
import { extract as tarExtract, type Extract, type Header } from 'tar-stream';
import { BumpguardError, messageOf, type ElfInfo } from '../../core/index.ts';
import { createGzipSizer, type GzipSizerOptions } from './gzip-size.ts';

// One pass over a layer blob as it streams out of the image archive: decompress if
// needed, walk the inner tar, size the blob as pushed, and keep only per-entry facts.

/** Per-entry facts a whole image may hold: a router image has a few dozen files (1M empty files once took 894 MB). */
export const MAX_IMAGE_ENTRIES = 50_000;
/** Longest entry name or link target kept (Linux PATH_MAX). */
const MAX_ENTRY_PATH_CHARS = 4096;

export interface ScanLayerOptions {
  gzip?: GzipSizerOptions;
  /** Entries left for the whole image, shared by its layers (default: MAX_IMAGE_ENTRIES for this layer alone). */
  budget?: { entries: number };
  /** Called with the size of each decompressed chunk (garbage that GC pacing must count). */
  onDecoded?: (bytes: number) => void;
}

/** Scans a layer blob; `chunks` must yield the whole blob, `compression` as sniffed. */
export async function scanLayer(
  chunks: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
  compression: LayerCompression,
  opts: ScanLayerOptions = {},
): Promise<LayerScan> {
  const extract = tarExtract();
  const decoder = compression === 'gzip' ? createGunzip() : compression === 'zstd' ? createZstdDecompress() : null;
  const target = decoder ?? extract;
  let walkError: Error | null = null;
  // Read through a call: the walk sets it from a callback, which TypeScript's narrowing cannot see.
  const walkFailure = (): Error | null => walkError;
  const entries = collectEntries(extract, opts.budget ?? { entries: MAX_IMAGE_ENTRIES }).catch((err: unknown) => {
    // Kept and rethrown below; destroying the writer's target wakes a pending 'drain' wait.
    walkError = err instanceof Error ? err : new Error(messageOf(err));
    target.destroy(walkError);
    return [];
  });
  const sizer = compression === 'none' ? createGzipSizer(opts.gzip) : null;
  let blobBytes = 0;
  let tarBytes = 0;
  if (decoder) {
    decoder.on('data', (chunk: Buffer) => {
      tarBytes += chunk.length;
      opts.onDecoded?.(chunk.length);
    });
    decoder.on('error', (err) => extract.destroy(err));
    decoder.pipe(extract as unknown as NodeWritable);
  }
  try {
    await feed(chunks);
  } catch (err) {
    // A failed walk closes the stream the feeder waits on: report the walk's error, not that.
    target.destroy();
    throw walkFailure() ?? err;
  }
  throwIfWalkFailed();
  if (decoder) decoder.end();
  else extract.end(undefined); // streamx types demand an argument; undefined writes nothing
  const [list, gzipBytes] = await Promise.all([entries, sizer?.end()]);
  throwIfWalkFailed();
  return { compression, compressedBytes: gzipBytes ?? blobBytes, tarBytes, entries: list };

  function throwIfWalkFailed(): void {
    const failed = walkFailure();
    if (failed) throw failed;
  }

  async function feed(source: AsyncIterable<Uint8Array> | Iterable<Uint8Array>): Promise<void> {
    for await (const chunk of source) {
      throwIfWalkFailed();
      blobBytes += chunk.length;
      if (!decoder) tarBytes += chunk.length;
      // Awaited together so a failed deflate is never an unobserved rejection.
      const waits: Array<Promise<unknown>> = sizer ? [sizer.write(chunk)] : [];
      if (!target.write(chunk)) waits.push(drained(target));
      await Promise.all(waits);
    }
  }
}

/** Resolves on 'drain'; rejects when the stream errors or closes first (a failed walk destroys it). */
function drained(stream: {
  destroyed: boolean;
  once(event: string, fn: (...args: unknown[]) => void): unknown;
  off(event: string, fn: (...args: unknown[]) => void): unknown;
}): Promise<void> {
  if (stream.destroyed) return Promise.reject(new Error('the layer stream was closed'));
  return new Promise((resolve, reject) => {
    const finish = (err?: unknown): void => {
      stream.off('drain', onDrain);
      stream.off('error', onError);
      stream.off('close', onClose);
      if (err === undefined) resolve();
      else reject(err instanceof Error ? err : new Error(messageOf(err)));
    };
    const onDrain = (): void => finish();
    const onError = (err: unknown): void => finish(err);
    const onClose = (): void => finish(new Error('the layer stream was closed'));
    stream.once('drain', onDrain);
    stream.once('error', onError);
    stream.once('close', onClose);
  });
}

async function collectEntries(extract: Extract, budget: { entries: number }): Promise<LayerEntry[]> {
  const out: LayerEntry[] = [];
  for await (const stream of extract) {
    if (--budget.entries < 0) {
      throw new BumpguardError(
        'image-too-many-entries',
        `The image has more than ${MAX_IMAGE_ENTRIES.toLocaleString('en-US')} files and directories; bumpguard analyses router images, which have a few dozen.`,
      );
    }
    if (stream.header.name.length > MAX_ENTRY_PATH_CHARS || (stream.header.linkname ?? '').length > MAX_ENTRY_PATH_CHARS) {
      throw new BumpguardError(
        'image-unreadable',
        `The image has an entry whose name or link target is longer than ${MAX_ENTRY_PATH_CHARS} characters.`,
      );
    }
    const want = stream.header.type === 'file' || stream.header.type === 'contiguous-file' ? UPX_SCAN_BYTES : 0;
    const head: Uint8Array[] = [];
    let headBytes = 0;
    for await (const chunk of stream as AsyncIterable<Uint8Array>) {
      if (headBytes < want) {
        head.push(chunk.subarray(0, want - headBytes));
        headBytes += Math.min(chunk.length, want - headBytes);
      }
    }
    const entry = toEntry(stream.header, Buffer.concat(head));
    if (entry) out.push(entry);
  }
  return out;
}

function toEntry(header: Header, head: Buffer): LayerEntry | null {
  const path = normaliseTarPath(header.name);
  if (path === null) return null;
  switch (header.type) {
    case 'file':
    case 'contiguous-file': {
      const whiteout = whiteoutEntry(path);
      if (whiteout) return whiteout;
      const elf = head.length >= ELF_HEADER_BYTES ? parseElfHeader(head) : null;
      return { kind: 'file', path, bytes: header.size, elf, upx: isUpxPacked(head) };
    }
    case 'link': {
      const target = normaliseTarPath(header.linkname);
      return target === null ? { kind: 'other', path } : { kind: 'hardlink', path, target };
    }
    case 'symlink':
      return { kind: 'symlink', path, target: header.linkname };
    case 'directory':
      return { kind: 'dir', path };
    case 'character-device':
      return whiteoutEntry(path) ?? { kind: 'other', path };
    default:
      return { kind: 'other', path };
  }
}

// What one pass over a layer blob records: the input of the pure flattening step.
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

// Tar entry names → the absolute paths and whiteouts overlayfs applies
// (OCI image-spec layer.md § Whiteouts).
/** "./usr//bin/" → "/usr/bin"; null for the root itself or a name escaping it. */
export function normaliseTarPath(name: string): string | null {
  const parts: string[] = [];
  for (const part of name.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') return null;
    parts.push(part);
  }
  return parts.length === 0 ? null : `/${parts.join('/')}`;
}

const WHITEOUT = '.wh.';
const OPAQUE = '.wh..wh..opq';

/** Turns a whiteout name into its entry; null when `path` is not a whiteout. */
export function whiteoutEntry(path: string): LayerEntry | null {
  const slash = path.lastIndexOf('/');
  const base = path.slice(slash + 1);
  if (!base.startsWith(WHITEOUT)) return null;
  const dir = path.slice(0, slash) || '/';
  if (base === OPAQUE) return { kind: 'opaque', path: dir };
  // Other ".wh..wh.*" names are aufs bookkeeping (hardlink dirs), not deletions.
  if (base.startsWith(`${WHITEOUT}${WHITEOUT}`)) return { kind: 'other', path };
  return { kind: 'whiteout', path: `${dir === '/' ? '' : dir}/${base.slice(WHITEOUT.length)}` };
}

/** Resolves a symlink target against the directory of the link, staying inside the root. */
export function resolveLinkTarget(linkPath: string, target: string): string {
  const base = target.startsWith('/') ? '' : linkPath.slice(0, linkPath.lastIndexOf('/'));
  const parts: string[] = [];
  for (const part of `${base}/${target}`.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') parts.pop();
    else parts.push(part);
  }
  return `/${parts.join('/')}`;
}

// ELF identification from the first bytes of a file: enough to tell which CPU a binary
// was built for. Layout per the System V ABI (e_ident[16], e_type u16, e_machine u16),
// https://refspecs.linuxfoundation.org/elf/gabi4+/ch4.eheader.html
export interface ElfHeader {
  /** Human name as `uname -m` spells it where possible: x86_64, aarch64, arm, … */
  machine: string;
  /** Raw e_machine, for machines we have no name for. */
  eMachine: number;
  bits: 32 | 64;
  endian: 'le' | 'be';
}

/** Bytes needed to read e_machine. */
const ELF_HEADER_BYTES = 20;

const MACHINE_NAMES = {
  3: 'i386',
  8: 'mips',
  20: 'ppc',
  21: 'ppc64',
  22: 's390',
  40: 'arm',
  62: 'x86_64',
  183: 'aarch64',
  243: 'riscv',
  258: 'loongarch',
} as const satisfies Record<number, string>;

/** Names that depend on class or byte order, the way Linux platforms name them. */
function machineName(eMachine: number, bits: 32 | 64, endian: 'le' | 'be'): string {
  const base: string | undefined = (MACHINE_NAMES as Record<number, string>)[eMachine];
  if (base === undefined) return `EM_${eMachine}`;
  switch (base) {
    case 'ppc64':
      return endian === 'le' ? 'ppc64le' : 'ppc64';
    case 's390':
      return bits === 64 ? 's390x' : 's390';
    case 'riscv':
      return `riscv${bits}`;
    case 'loongarch':
      return `loongarch${bits}`;
    case 'mips':
      return `mips${bits === 64 ? '64' : ''}${endian === 'le' ? 'el' : ''}`;
    case 'x86_64':
      return bits === 64 ? 'x86_64' : 'x32';
    default:
      return base;
  }
}

/** Parses the ELF identification, or null when `head` is not (the start of) an ELF file. */
export function parseElfHeader(head: Uint8Array): ElfHeader | null {
  if (head.length < ELF_HEADER_BYTES) return null;
  if (head[0] !== 0x7f || head[1] !== 0x45 || head[2] !== 0x4c || head[3] !== 0x46) return null;
  const cls = head[4];
  const data = head[5];
  if ((cls !== 1 && cls !== 2) || (data !== 1 && data !== 2)) return null;
  const bits = cls === 1 ? 32 : 64;
  const endian = data === 1 ? 'le' : 'be';
  const view = new DataView(head.buffer, head.byteOffset, head.byteLength);
  const eMachine = view.getUint16(18, endian === 'le');
  return { machine: machineName(eMachine, bits, endian), eMachine, bits, endian };
}

// Docker/OCI platform → the machine name its binaries must carry.
const PLATFORM_MACHINES = {
  'linux/amd64': 'x86_64',
  'linux/386': 'i386',
  'linux/arm64': 'aarch64',
  'linux/arm': 'arm',
  'linux/ppc64le': 'ppc64le',
  'linux/ppc64': 'ppc64',
  'linux/s390x': 's390x',
  'linux/riscv64': 'riscv64',
  'linux/mips64le': 'mips64el',
  'linux/mips64': 'mips64',
  'linux/mipsle': 'mipsel',
  'linux/mips': 'mips',
  'linux/loong64': 'loongarch64',
} as const satisfies Record<string, string>;

/** The ELF machine a platform's binaries must have; null for a platform we do not know. */
export function expectedElfMachine(platform: string): string | null {
  // The variant (arm/v6, arm/v7, arm64/v8) does not show in e_machine.
  const [os, arch] = platform.split('/');
  return (PLATFORM_MACHINES as Record<string, string>)[`${os}/${arch}`] ?? null;
}

/** ElfInfo for one file; a platform we do not know never matches, so it gets looked at. */
export function toElfInfo(path: string, header: ElfHeader, platform: string): ElfInfo {
  return { path, machine: header.machine, matches: expectedElfMachine(platform) === header.machine };
}

// UPX-packed executables carry the "UPX!" pack header right after the ELF program headers
// and name their PE sections UPX0/UPX1; both sit in the first few KB
// (https://github.com/upx/upx/blob/devel/src/packhead.cpp).

/** How much of a file's start to look at. */
export const UPX_SCAN_BYTES = 4096;

const MARKERS = [Buffer.from('UPX!'), Buffer.from('UPX0')];

/** Whether the first bytes of a file carry a UPX marker. */
export function isUpxPacked(head: Uint8Array): boolean {
  const buf = Buffer.from(head.buffer, head.byteOffset, Math.min(head.byteLength, UPX_SCAN_BYTES));
  return MARKERS.some((marker) => buf.includes(marker));
}
