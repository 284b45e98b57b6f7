// Whether a unified diff changes one file, from its headers alone (no hunk is parsed).

/** True when `path` (repo-relative) is the old or new file of a section of `diff`. */
export function diffTouches(diff: string, path: string): boolean {
  const names = new Set([`a/${path}`, `b/${path}`, path]);
  for (const m of diff.matchAll(/^(?:\+\+\+|---) ("?)(.+?)\1(?:\t.*)?$/gm)) {
    if (names.has(m[2]!)) return true;
  }
  return false;
}
