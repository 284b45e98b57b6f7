// Bytes stored more than once because the same path is written by several layers:
// every copy but the uppermost is dead weight on flash (overlayfs keeps them all).
import type { LayerEntry } from './layer-scan.ts';

/** Sum over paths present in more than one layer of all copies except the uppermost. */
export function duplicateBytes(layers: ReadonlyArray<ReadonlyArray<LayerEntry>>): number {
  const copies = new Map<string, number[]>();
  for (const entries of layers) {
    for (const [path, bytes] of layerFileBytes(entries)) {
      const seen = copies.get(path);
      if (seen) seen.push(bytes);
      else copies.set(path, [bytes]);
    }
  }
  let total = 0;
  for (const sizes of copies.values()) {
    for (let i = 0; i < sizes.length - 1; i++) total += sizes[i] as number;
  }
  return total;
}

/** path → bytes of each regular file in one layer, hardlinks resolved within the layer. */
function layerFileBytes(entries: ReadonlyArray<LayerEntry>): Map<string, number> {
  const bytes = new Map<string, number>();
  for (const entry of entries) {
    if (entry.kind === 'file') bytes.set(entry.path, entry.bytes);
    if (entry.kind === 'hardlink') bytes.set(entry.path, bytes.get(entry.target) ?? 0);
  }
  return bytes;
}
