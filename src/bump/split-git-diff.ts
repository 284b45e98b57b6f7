// Cut a git-style diff into its file sections without parsing hunks, so the bump detector parses
// only the files that can hold a version (Dockerfiles, shell and env files) and stays linear on
// a huge PR: 25 M one-character lines of vendored code cost a single scan, not 2 GB of arrays.
// Inside a hunk every line starts with ' ', '+', '-' or '\\', so a line starting `diff --git `
// always begins a new file.
import { versionFileKind } from './parse-version-assignment.ts';

export interface DiffSection {
  /** The `diff --git …` line. */
  header: string;
  text: string;
}

const HEADER = 'diff --git ';

/** File sections in order; null when the diff has no `diff --git` header (a plain `diff -u`). */
export function splitGitDiff(diff: string): DiffSection[] | null {
  const starts: number[] = [];
  for (let at = diff.startsWith(HEADER) ? 0 : nextHeader(diff, 0); at >= 0; at = nextHeader(diff, at + 1)) starts.push(at);
  if (starts.length === 0) return null;
  return starts.map((start, i) => {
    const end = starts[i + 1] ?? diff.length;
    const eol = diff.indexOf('\n', start);
    return { header: diff.slice(start, eol < 0 || eol > end ? end : eol), text: diff.slice(start, end) };
  });
}

/** True when a path named in the header may be a file a version lives in (over-inclusive on odd names). */
export function mayHoldVersion(header: string): boolean {
  const tokens = header.slice(HEADER.length).split(/\s+/).map((t) => t.replace(/^"|"$/g, '')).filter(Boolean);
  return tokens.length === 0 || tokens.some((t) => versionFileKind(t) !== null);
}

function nextHeader(diff: string, from: number): number {
  const at = diff.indexOf(`\n${HEADER}`, from === 0 ? 0 : from - 1);
  return at < 0 ? -1 : at + 1;
}
