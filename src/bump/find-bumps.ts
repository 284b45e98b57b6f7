// Find Tailscale version changes in a unified PR diff, as Renovate writes them: the line
// directly under a `# renovate: … depName=tailscale …` marker changes value. Pure: text in, data out.
import { parsePatch, type StructuredPatch } from 'diff';
import { BumpguardError } from '../errors.ts';
import type { Bump } from '../model.ts';
import { classifyBump } from './classify-bump.ts';
import { isTailscaleMarker } from './is-tailscale-marker.ts';
import { parseVersionAssignment, versionFileKind, type VersionFileKind } from './parse-version-assignment.ts';
import { mayHoldVersion, splitGitDiff } from './split-git-diff.ts';

interface SideLine {
  text: string;
  /** 1-based line number on that side. */
  line: number;
  changed: boolean;
}

interface Assignment {
  arg: string;
  value: string;
  line: number;
}

/**
 * Every Tailscale bump in the diff, in diff order; [] when the diff bumps something else or nothing.
 * Throws BumpguardError `diff-unreadable` when hunks of a file that can hold a version are malformed
 * (a forge or git fault: answering "no bump" would wave the PR through), and `diff-too-large` when
 * such a file's change is over MAX_VERSION_FILE_DIFF_CHARS (MAX_PLAIN_DIFF_CHARS without git headers).
 */
export function findTailscaleBumps(unifiedDiff: string): Bump[] {
  const bumps: Bump[] = [];
  for (const file of parseDiff(unifiedDiff)) {
    const path = repoPath(file.oldFileName, file.newFileName);
    const kind = path === null ? null : versionFileKind(path);
    if (path === null || kind === null) continue;
    bumps.push(...findInFile(file, path, kind));
  }
  return bumps;
}

/** A version file's own diff is a few lines; past this something else is going on (a stranger's PR must not cost unbounded time or memory). */
export const MAX_VERSION_FILE_DIFF_CHARS = 4 * 1024 * 1024;
/** A diff without git headers is parsed whole, so it gets a whole-diff bound. */
export const MAX_PLAIN_DIFF_CHARS = 16 * 1024 * 1024;

/** Only the sections of files that can hold a version are parsed (see split-git-diff.ts). */
function parseDiff(unifiedDiff: string): StructuredPatch[] {
  const sections = splitGitDiff(unifiedDiff);
  if (sections === null) return parseBounded(unifiedDiff, MAX_PLAIN_DIFF_CHARS, 'The PR diff');
  return sections.filter((s) => mayHoldVersion(s.header)).flatMap((s) => parseBounded(s.text, MAX_VERSION_FILE_DIFF_CHARS, `The change in \`${s.header.slice('diff --git '.length, 200)}\``));
}

function parseBounded(text: string, max: number, what: string): StructuredPatch[] {
  if (text.length > max) {
    throw new BumpguardError('diff-too-large', `${what} is ${(text.length / 1024 / 1024).toFixed(1)} MiB, more than the ${max / 1024 / 1024} MiB bumpguard reads for a version change.`);
  }
  try {
    return parsePatch(text);
  } catch (err) {
    if (err instanceof Error) throw new BumpguardError('diff-unreadable', `The PR diff cannot be parsed: ${err.message}.`, { cause: err });
    throw err;
  }
}

function findInFile(file: StructuredPatch, path: string, kind: VersionFileKind): Bump[] {
  const bumps: Bump[] = [];
  for (const hunk of file.hunks) {
    const { oldSide, newSide } = splitHunk(hunk.lines, hunk.oldStart, hunk.newStart);
    const removed = markedAssignments(oldSide, kind);
    const added = markedAssignments(newSide, kind);
    // Pair each changed assignment with the removed one of the same name, in order.
    for (const after of added) {
      const index = removed.findIndex((before) => before.arg === after.arg);
      if (index < 0) continue;
      const [before] = removed.splice(index, 1);
      if (before!.value === after.value) continue;
      bumps.push({ file: path, line: after.line, arg: after.arg, from: before!.value, to: after.value, type: classifyBump(before!.value, after.value) });
    }
  }
  return bumps;
}

/** Changed assignment lines whose previous line on the same side is a Tailscale marker. */
function markedAssignments(side: SideLine[], kind: VersionFileKind): Assignment[] {
  const found: Assignment[] = [];
  for (let i = 1; i < side.length; i++) {
    const current = side[i]!;
    if (!current.changed || !isTailscaleMarker(side[i - 1]!.text)) continue;
    // A gap in line numbers means lines between them are outside the hunk.
    if (side[i - 1]!.line !== current.line - 1) continue;
    const parsed = parseVersionAssignment(current.text, kind);
    if (parsed) found.push({ ...parsed, line: current.line });
  }
  return found;
}

function splitHunk(lines: string[], oldStart: number, newStart: number): { oldSide: SideLine[]; newSide: SideLine[] } {
  const oldSide: SideLine[] = [];
  const newSide: SideLine[] = [];
  let oldLine = oldStart;
  let newLine = newStart;
  for (const raw of lines) {
    const op = raw[0];
    const text = raw.slice(1);
    if (op === ' ') {
      oldSide.push({ text, line: oldLine++, changed: false });
      newSide.push({ text, line: newLine++, changed: false });
    } else if (op === '-') {
      oldSide.push({ text, line: oldLine++, changed: true });
    } else if (op === '+') {
      newSide.push({ text, line: newLine++, changed: true });
    }
    // "\ No newline at end of file" carries no line.
  }
  return { oldSide, newSide };
}

/** Repo path of the new file: drops git's b/ prefix (when the old side has a/ too); null for a deleted file. */
function repoPath(oldName: string | undefined, newName: string | undefined): string | null {
  if (newName === undefined || newName === '/dev/null') return null;
  const gitStyle = newName.startsWith('b/') && (oldName === '/dev/null' || oldName?.startsWith('a/') === true);
  return gitStyle ? newName.slice(2) : newName;
}
