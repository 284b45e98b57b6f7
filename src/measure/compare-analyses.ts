// Which files moved the size between base and head: what a reviewer looks at first.
import type { FileMover, ImageAnalysis } from '../model.ts';

/** The `top` files with the largest size change, added and removed files included. */
export function compareAnalyses(base: ImageAnalysis, head: ImageAnalysis, top: number): { movers: FileMover[] } {
  const baseBytes = new Map(base.files.map((f) => [f.path, f.bytes]));
  const headBytes = new Map(head.files.map((f) => [f.path, f.bytes]));
  const movers: FileMover[] = [];
  for (const path of new Set([...baseBytes.keys(), ...headBytes.keys()])) {
    const b = baseBytes.get(path) ?? null;
    const h = headBytes.get(path) ?? null;
    // An added or removed empty file moves no bytes but is still a change worth listing.
    if (b === h) continue;
    movers.push({ path, base: b, head: h, delta: (h ?? 0) - (b ?? 0) });
  }
  movers.sort((x, y) => Math.abs(y.delta) - Math.abs(x.delta) || (x.path < y.path ? -1 : x.path > y.path ? 1 : 0));
  return { movers: movers.slice(0, top) };
}
