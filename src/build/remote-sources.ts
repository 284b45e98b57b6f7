// What a Dockerfile makes the engine fetch from outside the build context, and what a build of
// unreviewed code may fetch and show.

import { readFile, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { BuildError, DEFAULT_MAX_FILE_BYTES, redactHostPaths, type BumpguardError, type HostPath } from '../core/index.ts';
import { commentSafeLog, summarizeBuildFailure } from './build-log.ts';

// What a Dockerfile makes the engine fetch from outside the build context. `RUN` steps run with
// `--network none`, but the engine itself fetches `ADD <url>`, base images (`FROM`, `COPY
// --from`, `RUN --mount=from=`) and a `# syntax=` frontend on the host's network, loopback and
// LAN included; and a `RUN --mount=type=cache` directory is shared with every other build on the
// engine. For code nobody with write access has reviewed, each is a way to read what the bot's
// host can reach. Pure: Dockerfile text in, what it would fetch out.

type RemoteSourceKind = 'url' | 'image' | 'frontend' | 'cache-mount';

export interface RemoteSource {
  kind: RemoteSourceKind;
  /** 1-based line of the instruction. */
  line: number;
  /** The URL, image or cache target, as written. */
  what: string;
}

interface Instruction {
  line: number;
  keyword: string;
  /** The rest of the instruction, continuations joined. */
  rest: string;
}

const URL_RE = /^(?:[a-z][a-z0-9+.-]*:\/\/|git@)/i;
const HEREDOC_RE = /<<-?\s*["']?([A-Za-z_][A-Za-z0-9_]*)["']?/g;

/** `buildArgs` resolve `FROM ${BASE}`; an image name that cannot be resolved counts as remote. */
export function findRemoteSources(dockerfile: string, buildArgs: Record<string, string> = {}): RemoteSource[] {
  const found: RemoteSource[] = [];
  const syntax = /^#\s*syntax\s*=\s*(\S+)/im.exec(leadingDirectives(dockerfile));
  if (syntax) found.push({ kind: 'frontend', line: lineOf(dockerfile, syntax.index), what: syntax[1]! });
  const stages = new Set<string>();
  const args = new Map(Object.entries(buildArgs));
  let stageCount = 0;
  for (const ins of readInstructions(dockerfile)) {
    const words = splitWords(ins.rest);
    const { flags, operands } = splitFlags(words);
    switch (ins.keyword) {
      case 'ARG':
        // Global ARGs (before the first FROM) and stage ARGs alike: defaults a FROM may name.
        for (const w of operands) {
          const eq = w.indexOf('=');
          const name = eq === -1 ? w : w.slice(0, eq);
          if (!args.has(name) && eq !== -1) args.set(name, unquote(w.slice(eq + 1)));
        }
        break;
      case 'FROM': {
        const image = expand(operands[0] ?? '', args);
        if (image === null || !isLocalImage(image, stages)) found.push({ kind: 'image', line: ins.line, what: operands[0] ?? '' });
        const as = operands.findIndex((w) => w.toUpperCase() === 'AS');
        if (as !== -1 && operands[as + 1]) stages.add(operands[as + 1]!.toLowerCase());
        stages.add(String(stageCount++));
        break;
      }
      case 'ADD':
        for (const src of jsonArgs(ins.rest) ?? operands.slice(0, -1)) {
          if (URL_RE.test(src)) found.push({ kind: 'url', line: ins.line, what: src });
        }
        for (const from of flagValues(flags, 'from'))
          if (!isLocalImage(from, stages)) found.push({ kind: 'image', line: ins.line, what: from });
        break;
      case 'COPY':
        for (const from of flagValues(flags, 'from'))
          if (!isLocalImage(from, stages)) found.push({ kind: 'image', line: ins.line, what: from });
        break;
      case 'RUN':
        for (const mount of flagValues(flags, 'mount')) {
          const opts = Object.fromEntries(mount.split(',').map((kv) => [kv.split('=')[0]!.toLowerCase(), kv.slice(kv.indexOf('=') + 1)]));
          if (opts.type === 'cache')
            found.push({ kind: 'cache-mount', line: ins.line, what: opts.target ?? opts.dst ?? opts.destination ?? mount });
          if (opts.from !== undefined && !isLocalImage(opts.from, stages)) found.push({ kind: 'image', line: ins.line, what: opts.from });
        }
        break;
    }
  }
  return found;
}

/** A stage of this Dockerfile (by name or index) or the empty image; anything else is pulled. */
function isLocalImage(image: string, stages: Set<string>): boolean {
  const name = image.toLowerCase();
  return name === 'scratch' || stages.has(name);
}

/** `${VAR}`, `$VAR` and `${VAR:-default}` from the ARGs seen so far; null when one is unknown. */
function expand(word: string, args: Map<string, string>): string | null {
  let unknown = false;
  const out = word.replace(
    /\$(?:\{([A-Za-z_][A-Za-z0-9_]*)(?::?-([^}]*))?\}|([A-Za-z_][A-Za-z0-9_]*))/g,
    (_m, braced: string | undefined, dflt: string | undefined, bare: string | undefined) => {
      const value = args.get((braced ?? bare)!);
      if (value !== undefined && value !== '') return value;
      if (dflt !== undefined) return dflt;
      unknown = true;
      return '';
    },
  );
  return unknown ? null : out;
}

/** Parser directives sit in comments before anything else. */
function leadingDirectives(text: string): string {
  const lines: string[] = [];
  for (const line of text.split(/\r?\n/)) {
    if (!/^\s*#\s*[a-z]+\s*=/i.test(line)) break;
    lines.push(line);
  }
  return lines.join('\n');
}

function escapeChar(text: string): string {
  return /^#\s*escape\s*=\s*`/im.test(leadingDirectives(text)) ? '`' : '\\';
}

/** Instructions with continuations joined; comments and heredoc bodies skipped. */
function readInstructions(text: string): Instruction[] {
  const esc = escapeChar(text);
  const physical = text.split(/\r?\n/);
  const out: Instruction[] = [];
  for (let i = 0; i < physical.length; i++) {
    const first = physical[i]!;
    if (/^\s*(#|$)/.test(first)) continue;
    const start = i;
    const pieces: string[] = [];
    let piece = first.trimEnd();
    while (piece.endsWith(esc) && i + 1 < physical.length) {
      pieces.push(piece.slice(0, -1));
      i++;
      // Comment lines inside a continuation are dropped, as the Dockerfile parser does.
      while (i < physical.length && /^\s*#/.test(physical[i]!)) i++;
      piece = (physical[i] ?? '').trimEnd();
    }
    pieces.push(piece);
    const m = /^\s*([A-Za-z]+)\s*(.*)$/s.exec(pieces.join(' '));
    if (!m) continue;
    out.push({ line: start + 1, keyword: m[1]!.toUpperCase(), rest: m[2]! });
    // Heredoc bodies (RUN/COPY/ADD <<EOF) are data, not instructions.
    for (const h of m[2]!.matchAll(HEREDOC_RE)) {
      while (i + 1 < physical.length && physical[i + 1]!.trim() !== h[1]) i++;
      i++;
    }
  }
  return out;
}

/** Shell-like words: quotes group, JSON arrays are read by jsonArgs. */
function splitWords(rest: string): string[] {
  return [...rest.matchAll(/"((?:[^"\\]|\\.)*)"|'([^']*)'|(\S+)/g)].map((m) => m[1] ?? m[2] ?? m[3]!);
}

function splitFlags(words: string[]): { flags: string[]; operands: string[] } {
  let n = 0;
  while (n < words.length && words[n]!.startsWith('--')) n++;
  return { flags: words.slice(0, n), operands: words.slice(n) };
}

function flagValues(flags: string[], name: string): string[] {
  return flags.filter((f) => f.toLowerCase().startsWith(`--${name}=`)).map((f) => unquote(f.slice(name.length + 3)));
}

/** `ADD ["a", "b", "/dest"]`: the sources of the exec form. */
function jsonArgs(rest: string): string[] | null {
  const json = rest.replace(/^(?:--\S+\s+)*/, '');
  if (!json.startsWith('[')) return null;
  try {
    const parsed: unknown = JSON.parse(json);
    return Array.isArray(parsed) && parsed.every((x) => typeof x === 'string') ? parsed.slice(0, -1) : null;
  } catch (err) {
    if (err instanceof SyntaxError) return null;
    throw err;
  }
}

function unquote(value: string): string {
  return value.replace(/^(["'])(.*)\1$/, '$2');
}

function lineOf(text: string, index: number): number {
  let line = 1;
  for (let i = 0; i < index; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}

// A build of code nobody with write access has reviewed (a maintainer approved building it, no
// more): before it, refuse what the engine would fetch on the bot's network (the operator may
// allow it, BUMPGUARD_UNTRUSTED_NETWORK); after a failure, show its step and exit code only.
// For every build: the PR sees no docker command line and none of the bot's own paths.
const WHAT: Record<RemoteSource['kind'], string> = {
  url: 'downloads',
  image: 'pulls the image',
  frontend: 'pulls the Dockerfile frontend',
  'cache-mount': 'mounts the engine-wide build cache at',
};

/** What `policy` still refuses: images are allowed from `pull` on, everything at `all`. */
function refused(sources: RemoteSource[], policy: UntrustedNetwork): RemoteSource[] {
  if (policy === 'all') return [];
  return sources.filter((s) => policy === 'none' || s.kind === 'url' || s.kind === 'cache-mount');
}

/** Throws BuildError `build-refused` when the Dockerfile fetches what the operator does not allow. */
export async function refuseRemoteSources(
  dockerfile: string,
  buildArgs: Record<string, string>,
  policy: UntrustedNetwork,
  platform: string,
): Promise<void> {
  // The same cap as a Dockerfile read through the forge's file API.
  if ((await stat(dockerfile)).size > DEFAULT_MAX_FILE_BYTES) {
    throw new BuildError('build-refused', `The ${platform} build was refused: the Dockerfile is over 1 MiB.`, { platform });
  }
  const found = refused(findRemoteSources(await readFile(dockerfile, 'utf8'), buildArgs), policy);
  if (found.length === 0) return;
  const list = found
    .slice(0, 3)
    .map((s) => `line ${s.line} ${WHAT[s.kind]} ${s.what}`)
    .join('; ');
  throw new BuildError(
    'build-refused',
    `The ${platform} build was refused: the author of this pull request cannot push to the repository, and its Dockerfile has the engine fetch ` +
      `from the bot's network (${list}${found.length > 3 ? `; ${found.length - 3} more` : ''}). A maintainer can push the change themselves, ` +
      "or the bot's operator can allow it with BUMPGUARD_UNTRUSTED_NETWORK.",
    { platform },
  );
}

/** The bot's own directories, as they are shown when a log or message quotes them. */
export function hostPathsOf(dirs: { checkout: string | null; scratch: string }): HostPath[] {
  return [
    ...(dirs.checkout ? [{ path: dirs.checkout, as: '<checkout>' }] : []),
    { path: dirs.scratch, as: '<scratch>' },
    { path: tmpdir(), as: '<tmp>' },
    { path: process.cwd(), as: '<cwd>' },
  ];
}

/** A failed side as the PR sees it. */
export function shownFailure(
  failure: BumpguardError,
  logTail: string,
  opts: { untrusted: boolean; platform: string; hostPaths: HostPath[] },
): { message: string; logTail: string } {
  if (!opts.untrusted)
    return { message: redactHostPaths(failure.userMessage, opts.hostPaths), logTail: commentSafeLog(logTail, opts.hostPaths) };
  if (failure.code !== 'build-failed' && failure.code !== 'build-error')
    return { message: redactHostPaths(failure.userMessage, opts.hostPaths), logTail: '' };
  const { step, exitCode } = summarizeBuildFailure(logTail);
  const where = step ? ` at step \`${step.replaceAll('`', "'")}\`` : '';
  const code = exitCode !== null ? ` (exit code ${exitCode})` : '';
  return {
    message: `The ${opts.platform} build failed${where}${code}. Its log is not shown: the author of this pull request cannot push to the repository. The bot's server log has it.`,
    logTail: '',
  };
}

/**
 * What the engine may fetch for a build of untrusted code: `none` (default) refuses `ADD <url>`,
 * pulled images and cache mounts; `pull` allows images (FROM, COPY --from) but not URLs; `all`
 * allows everything the Dockerfile asks, RUN steps on the configured network included.
 */
export type UntrustedNetwork = 'none' | 'pull' | 'all';
