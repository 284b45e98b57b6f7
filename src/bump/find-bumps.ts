// Reading Tailscale versions: the Renovate-marked version line of a Dockerfile or shell file, and
// the version changes of a unified PR diff.

import { basename } from 'node:path/posix';
import { parsePatch, type StructuredPatch } from 'diff';
import semver from 'semver';
import { BumpguardError, type Bump, type BumpType } from '../core/index.ts';

// Find Tailscale version changes in a unified PR diff, as Renovate writes them: the line
// directly under a `# renovate: … depName=tailscale …` marker changes value. Pure: text in, data out.

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

/**
 * A version file's own diff is a few lines; past this something else is going on (a stranger's PR must not cost unbounded time or memory).
 */
const MAX_VERSION_FILE_DIFF_CHARS = 4 * 1024 * 1024;
/** A diff without git headers is parsed whole, so it gets a whole-diff bound. */
const MAX_PLAIN_DIFF_CHARS = 16 * 1024 * 1024;

/** Only the sections of files that can hold a version are parsed (see splitGitDiff). */
function parseDiff(unifiedDiff: string): StructuredPatch[] {
  const sections = splitGitDiff(unifiedDiff);
  if (sections === null) return parseBounded(unifiedDiff, MAX_PLAIN_DIFF_CHARS, 'The PR diff');
  return sections
    .filter((s) => mayHoldVersion(s.header))
    .flatMap((s) => parseBounded(s.text, MAX_VERSION_FILE_DIFF_CHARS, `The change in \`${s.header.slice('diff --git '.length, 200)}\``));
}

function parseBounded(text: string, max: number, what: string): StructuredPatch[] {
  if (text.length > max) {
    throw new BumpguardError(
      'diff-too-large',
      `${what} is ${(text.length / 1024 / 1024).toFixed(1)} MiB, more than the ${max / 1024 / 1024} MiB bumpguard reads for a version change.`,
    );
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
      bumps.push({
        file: path,
        line: after.line,
        arg: after.arg,
        from: before!.value,
        to: after.value,
        type: classifyBump(before!.value, after.value),
      });
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

// Cut a git-style diff into its file sections without parsing hunks, so the bump detector parses
// only the files that can hold a version (Dockerfiles, shell and env files) and stays linear on
// a huge PR: 25 M one-character lines of vendored code cost a single scan, not 2 GB of arrays.
// Inside a hunk every line starts with ' ', '+', '-' or '\\', so a line starting `diff --git `
// always begins a new file.
interface DiffSection {
  /** The `diff --git …` line. */
  header: string;
  text: string;
}

const HEADER = 'diff --git ';

/** File sections in order; null when the diff has no `diff --git` header (a plain `diff -u`). */
function splitGitDiff(diff: string): DiffSection[] | null {
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
function mayHoldVersion(header: string): boolean {
  const tokens = header
    .slice(HEADER.length)
    .split(/\s+/)
    .map((t) => t.replace(/^"|"$/g, ''))
    .filter(Boolean);
  return tokens.length === 0 || tokens.some((t) => versionFileKind(t) !== null);
}

function nextHeader(diff: string, from: number): number {
  const at = diff.indexOf(`\n${HEADER}`, from === 0 ? 0 : from - 1);
  return at < 0 ? -1 : at + 1;
}

// Whether a unified diff changes one file, from its headers alone (no hunk is parsed).

/** True when `path` (repo-relative) is the old or new file of a section of `diff`. */
export function diffTouches(diff: string, path: string): boolean {
  const names = new Set([`a/${path}`, `b/${path}`, path]);
  for (const m of diff.matchAll(/^(?:\+\+\+|---) ("?)(.+?)\1(?:\t.*)?$/gm)) {
    if (names.has(m[2]!)) return true;
  }
  return false;
}

// The Renovate marker comment that tags the Tailscale version line, e.g.
// `# renovate: datasource=github-releases depName=tailscale packageName=tailscale/tailscale versioning=semver`.
// Only the key=value pairs are read, so extra keys and their order don't matter.

const MARKER_RE = /^\s*#\s*renovate:\s*(?<pairs>.*)$/i;
const PAIR_RE = /(?<key>[A-Za-z]+)=(?<value>\S+)/g;

/** Names that identify upstream Tailscale in a marker (github release or the docker image of the same name). */
const DEP_NAMES = new Set(['tailscale', 'tailscale/tailscale']);

/** True when `line` is a Renovate marker comment for the Tailscale dependency. */
function isTailscaleMarker(line: string): boolean {
  const pairs = MARKER_RE.exec(line)?.groups?.pairs;
  if (pairs === undefined) return false;
  for (const m of pairs.matchAll(PAIR_RE)) {
    const key = m.groups!.key!.toLowerCase();
    const value = m.groups!.value!.toLowerCase();
    if (key === 'depname' && DEP_NAMES.has(value)) return true;
    if (key === 'packagename' && value === 'tailscale/tailscale') return true;
  }
  return false;
}

// The line under the marker that holds the version: `ARG NAME=value` in a Dockerfile,
// `NAME=value` / `export NAME=value` in shell and env files; values may be quoted.
export type VersionFileKind = 'dockerfile' | 'shell';

/** Which syntax a file uses, or null when it is neither a Dockerfile nor a shell/env file. */
export function versionFileKind(path: string): VersionFileKind | null {
  const name = basename(path);
  if (/^(Dockerfile|Containerfile)(\..+)?$/i.test(name) || /\.(Dockerfile|Containerfile)$/i.test(name)) return 'dockerfile';
  if (/\.(sh|bash|env)$/i.test(name) || /^\.env(\..+)?$/i.test(name)) return 'shell';
  return null;
}

const DOCKER_RE = /^\s*(?:ARG|ENV)\s+(?<arg>[A-Za-z_][A-Za-z0-9_]*)=(?<value>"[^"]*"|'[^']*'|\S*)\s*(?:#.*)?$/i;
const SHELL_RE =
  /^\s*(?:export\s+|readonly\s+|declare\s+(?:-\w+\s+)?)?(?<arg>[A-Za-z_][A-Za-z0-9_]*)=(?<value>"[^"]*"|'[^']*'|[^\s;#]*)\s*(?:[;#].*)?$/;

/** `{ arg, value }` of a version assignment line (quotes removed), or null when the line is not one. */
function parseVersionAssignment(line: string, kind: VersionFileKind): { arg: string; value: string } | null {
  const m = (kind === 'dockerfile' ? DOCKER_RE : SHELL_RE).exec(line);
  if (!m?.groups) return null;
  const value = m.groups.value!.replace(/^(["'])(.*)\1$/, '$2');
  if (value === '') return null;
  return { arg: m.groups.arg!, value };
}

// Read the current Tailscale version from one file (used when comparing two refs,
// where there may be no PR diff to look at).
export interface VersionArg {
  arg: string;
  value: string;
  /** 1-based line of the assignment. */
  line: number;
}

/** The first assignment directly under a Tailscale Renovate marker, or null when the file has none. */
export function findTailscaleVersionArg(fileText: string, path: string): VersionArg | null {
  const lines = fileText.split(/\r?\n/);
  for (let i = 1; i < lines.length; i++) {
    if (!isTailscaleMarker(lines[i - 1]!)) continue;
    const found = assignmentIn(lines[i]!, path);
    if (found) return { ...found, line: i + 1 };
  }
  return null;
}

/** The first assignment of `name` (`ARG name=…`, `name=…`), marker or not; null when there is none. */
export function findVersionArgByName(fileText: string, path: string, name: string): VersionArg | null {
  const lines = fileText.split(/\r?\n/);
  for (const [i, line] of lines.entries()) {
    const found = assignmentIn(line, path);
    if (found?.arg === name) return { ...found, line: i + 1 };
  }
  return null;
}

function assignmentIn(line: string, path: string): { arg: string; value: string } | null {
  // An unrecognised name is tried with both syntaxes: the marker or the configured name is what makes it ours.
  const known = versionFileKind(path);
  const kinds: readonly VersionFileKind[] = known === null ? ['dockerfile', 'shell'] : [known];
  for (const kind of kinds) {
    const found = parseVersionAssignment(line, kind);
    if (found) return found;
  }
  return null;
}

// Semver class of a version change; Tailscale tags carry a `v` prefix, Renovate may drop it.
/** patch/minor/major for a forward release bump, prerelease when the target is one, downgrade, or unknown when either is not semver. */
export function classifyBump(from: string, to: string): BumpType {
  const a = semver.parse(from, { loose: true });
  const b = semver.parse(to, { loose: true });
  if (a === null || b === null) return 'unknown';
  const order = semver.compare(a, b);
  if (order > 0) return 'downgrade';
  if (b.prerelease.length > 0) return 'prerelease';
  if (order === 0) return 'unknown';
  if (a.major !== b.major) return 'major';
  if (a.minor !== b.minor) return 'minor';
  return 'patch';
}
