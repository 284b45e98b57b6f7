// Files that changed most between base and head, computed once per platform for the whole
// report (the size table's "biggest file change" and the per-arch movers table both read it).
import type { FileEntry, PlatformResult } from '../model.ts';

export interface Mover {
  path: string;
  /** null: the file is new in head. */
  base: number | null;
  /** null: the file is gone in head. */
  head: number | null;
  delta: number;
}

/** The `top` files with the largest |Δ| (ties by path), unchanged files left out. */
export function computeMovers(base: FileEntry[], head: FileEntry[], top: number): Mover[] {
  const before = new Map(base.map((f) => [f.path, f.bytes]));
  const after = new Map(head.map((f) => [f.path, f.bytes]));
  const paths = new Set([...before.keys(), ...after.keys()]);
  const movers: Mover[] = [];
  for (const path of paths) {
    const b = before.get(path) ?? null;
    const h = after.get(path) ?? null;
    const delta = (h ?? 0) - (b ?? 0);
    if (delta !== 0 || b === null || h === null) movers.push({ path, base: b, head: h, delta });
  }
  return movers
    .sort((x, y) => Math.abs(y.delta) - Math.abs(x.delta) || x.path.localeCompare(y.path))
    .slice(0, top);
}

/** Movers per platform with both sides analysed: the one computation the report's sections share. */
export function moversByPlatform(platforms: PlatformResult[], top: number): ReadonlyMap<string, Mover[]> {
  const out = new Map<string, Mover[]>();
  for (const p of platforms) {
    const base = p.base?.analysis;
    const head = p.head?.analysis;
    if (base && head) out.set(p.platform, computeMovers(base.files, head.files, top));
  }
  return out;
}
