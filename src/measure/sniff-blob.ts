// Tells a layer blob from metadata by its first bytes, so blobs can be processed as they
// stream by without waiting for the manifest that names them.

export type BlobKind = 'gzip' | 'zstd' | 'tar' | 'other';

/** Bytes needed to see the ustar magic. */
export const SNIFF_BYTES = 263;

/** Classifies the start of a blob (pass at least SNIFF_BYTES when the blob is that long). */
export function sniffBlob(head: Uint8Array): BlobKind {
  if (head[0] === 0x1f && head[1] === 0x8b) return 'gzip';
  if (head[0] === 0x28 && head[1] === 0xb5 && head[2] === 0x2f && head[3] === 0xfd) return 'zstd';
  // POSIX "ustar\0" and GNU "ustar  " both start with these five bytes at offset 257.
  if (head.length >= SNIFF_BYTES && Buffer.from(head.buffer, head.byteOffset + 257, 5).toString('latin1') === 'ustar') return 'tar';
  return 'other';
}
