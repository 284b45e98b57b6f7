// Human byte sizes in config: "64KiB", "1MiB", "300kB", "4096", or a number.
// Binary (KiB/MiB/GiB) and decimal (kB/MB/GB) units both accepted, as users write both.

const UNITS: Record<string, number> = {
  '': 1, b: 1,
  k: 1000, kb: 1000, m: 1000 ** 2, mb: 1000 ** 2, g: 1000 ** 3, gb: 1000 ** 3,
  ki: 1024, kib: 1024, mi: 1024 ** 2, mib: 1024 ** 2, gi: 1024 ** 3, gib: 1024 ** 3,
};

const SIZE_RE = /^\s*(?<num>\d+(?:\.\d+)?)\s*(?<unit>[a-z]*)\s*$/i;

/** Bytes for a human size, or null when the text is not a size. */
export function parseSize(text: string | number): number | null {
  if (typeof text === 'number') return Number.isFinite(text) && text >= 0 ? Math.round(text) : null;
  const m = SIZE_RE.exec(text);
  if (!m?.groups) return null;
  const factor = UNITS[m.groups.unit!.toLowerCase()];
  if (factor === undefined) return null;
  return Math.round(Number(m.groups.num) * factor);
}

/** "2%", "2", 2 → 2. Null when not a percentage. */
export function parsePercent(text: string | number): number | null {
  if (typeof text === 'number') return Number.isFinite(text) && text >= 0 ? text : null;
  const m = /^\s*(\d+(?:\.\d+)?)\s*%?\s*$/.exec(text);
  return m ? Number(m[1]) : null;
}
