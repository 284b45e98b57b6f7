// On-flash estimate: RouterOS extracts every layer into its own overlayfs directory, so
// each layer's files cost their own blocks even when an upper layer hides them.

/** Bytes a file occupies on a filesystem with `blockSize` blocks (empty files use none). */
export function blockRound(bytes: number, blockSize: number): number {
  if (!Number.isInteger(blockSize) || blockSize <= 0) throw new RangeError(`blockSize must be a positive integer, got ${blockSize}`);
  return Math.ceil(bytes / blockSize) * blockSize;
}

/** Sum of block-rounded file sizes over every layer; pass each inode once per layer. */
export function flashBytes(layers: ReadonlyArray<ReadonlyArray<number>>, blockSize: number): number {
  let total = 0;
  for (const sizes of layers) for (const size of sizes) total += blockRound(size, blockSize);
  return total;
}
