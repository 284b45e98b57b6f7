// The shell side of finding source edits: walk the commands of one logical line, following `cd`,
// simple `NAME=value` assignments and the upstream checkout (`git clone`, the featuretags call),
// and turn `sed -i`, `patch` and `git apply` into edits of upstream-relative files.

import { posix } from 'node:path';
import { isFeaturetagsBinary, isFeaturetagsPackage } from './parse-recipe.ts';
import { isSed, readSedInvocation, type Word } from './sed-commands.ts';
import { locate, tokenizeShell, type LogicalLine, type ShellToken } from './shell-lines.ts';
import type { EditSite, SourceEdit } from './types.ts';
import { commandStarts } from './shell-lines.ts';

/** What a command line runs in; `cwd` and `root` change as `cd` and `git clone` are read. */
export interface ShellContext {
  cwd: string | null;
  /** Absolute container path of the upstream checkout, once known. */
  root: string | null;
  vars: Map<string, string | null>;
  /** Repo files put into the container (COPY/ADD from the context, bind mounts). */
  copies: ContextCopy[];
  upstream: string;
  /** Called with the context a script is run in, for each script path the line mentions. */
  onScript?: ((word: string, ctx: ShellContext) => void) | undefined;
}

const NO_ROOT =
  'bumpguard cannot tell where the upstream checkout is (no `git clone` of it, `ADD` of its git URL or featuretags call before this line)';

export function findEditCommands(line: LogicalLine, ctx: ShellContext): SourceEdit[] {
  const tokens = tokenizeShell(line.text);
  const starts = commandStarts(tokens);
  const edits: SourceEdit[] = [];
  for (let k = 0; k < tokens.length; k++) {
    if (!starts[k]) continue;
    const end = commandEnd(tokens, k);
    // `A=1 B=2 cmd`: skip the assignments; alone they set shell variables for later commands.
    let c = k;
    while (c < end && /^[A-Za-z_][A-Za-z0-9_]*=/.test(tokens[c]!.value)) c++;
    if (c === end) {
      for (let a = k; a < end; a++) assign(tokens[a] as Word, ctx.vars);
      k = end - 1;
      continue;
    }
    const name = tokens[c]!.value;
    const at: EditSite = {
      path: line.path,
      line: locate(line, tokens[c]!.start).line,
      command: oneLine(line.text.slice(tokens[c]!.start, tokens[end - 1]!.end)),
    };
    for (let w = c; w < end; w++) ctx.onScript?.(tokens[w]!.value, { ...ctx });
    if (name === 'cd') {
      const arg = tokens[c + 1];
      ctx.cwd = arg && c + 1 < end ? resolvePath(ctx.cwd, word(arg as Word, ctx.vars)) : null;
    } else if (name === 'git') {
      readGit(tokens, c + 1, end, ctx, at, edits);
    } else if (name === 'go' && tokens[c + 1]?.value === 'run') {
      readGoRun(tokens, c + 2, end, ctx);
    } else if (isFeaturetagsBinary(name)) {
      ctx.root ??= ctx.cwd;
    } else if (isSed(name)) {
      readSed(tokens, c, ctx, at, edits);
    } else if (name === 'patch') {
      readPatch(tokens, c + 1, end, ctx, at, edits);
    }
    k = end - 1;
  }
  return edits;
}

/** Index just past a simple command: the next control operator, skipping `<`/`>` redirections. */
function commandEnd(tokens: ShellToken[], from: number): number {
  let j = from;
  while (j < tokens.length) {
    const t = tokens[j]!;
    if (t.kind === 'op' && t.value !== '<' && t.value !== '>') break;
    j++;
  }
  return j;
}

/** A command on one line, shortened for a finding. */
export function oneLine(text: string): string {
  const one = text.replace(/\s+/g, ' ').trim();
  return one.length > 120 ? `${one.slice(0, 117)}…` : one;
}

function assign(w: Word, vars: Map<string, string | null>): void {
  const eq = w.value.indexOf('=');
  vars.set(w.value.slice(0, eq), expandVars(w.value.slice(eq + 1), vars));
}

/** A word's value with variables expanded; single-quoted words are literal. null when a variable is unknown. */
function word(w: Word, vars: ReadonlyMap<string, string | null>): string | null {
  return w.quote?.char === "'" ? w.value : expandVars(w.value, vars);
}

/** An upstream-relative path for a path operand, or why not. */
function upstreamPath(raw: Word, ctx: ShellContext): { path: string } | { outside: true } | { reason: string } {
  const value = word(raw, ctx.vars);
  if (value === null) return { reason: `the path ${raw.value} comes from a shell variable bumpguard cannot resolve` };
  const abs = resolvePath(ctx.cwd, value);
  if (abs === null) return { reason: `${value} is relative to a directory bumpguard cannot tell (cd to a variable?)` };
  if (ctx.root === null) return { reason: NO_ROOT };
  const rel = insideRoot(ctx.root, abs);
  return rel === null || rel === '' ? { outside: true } : { path: rel };
}

function readSed(tokens: ShellToken[], c: number, ctx: ShellContext, at: EditSite, edits: SourceEdit[]): void {
  const sed = readSedInvocation(tokens, c + 1);
  if (!sed.inPlace || sed.files.length === 0) return;
  const files: string[] = [];
  for (const f of sed.files) {
    const p = upstreamPath(f, ctx);
    if ('reason' in p) return void edits.push({ kind: 'unreadable', at, reason: p.reason });
    if ('path' in p) files.push(p.path);
  }
  if (files.length === 0) return;
  if (sed.problems.length > 0) return void edits.push({ kind: 'unreadable', at, reason: sed.problems.join('; ') });
  const scripts: string[] = [];
  for (const s of sed.scripts) {
    const value = word(s.word, ctx.vars);
    if (value === null)
      return void edits.push({
        kind: 'unreadable',
        at,
        reason: `the sed script is built from a shell variable (${s.word.value}), so bumpguard cannot replay it`,
      });
    scripts.push(value);
  }
  let scriptFile: string | null = null;
  for (const f of sed.scriptFiles) {
    const file = repoFile(f, ctx);
    if ('reason' in file) return void edits.push({ kind: 'unreadable', at, reason: `sed -f ${f.value}: ${file.reason}` });
    if (scriptFile !== null)
      return void edits.push({ kind: 'unreadable', at, reason: 'sed reads several -f script files; bumpguard replays one' });
    scriptFile = file.path;
  }
  edits.push({ kind: 'sed', at, files, scripts, scriptFile, flags: sed.flags });
}

/** The repo file a container path came from (a COPY'd patch or sed script). */
function repoFile(raw: Word, ctx: ShellContext): { path: string } | { reason: string } {
  const value = word(raw, ctx.vars);
  if (value === null) return { reason: 'the file name comes from a shell variable bumpguard cannot resolve' };
  const abs = resolvePath(ctx.cwd, value);
  const found = abs === null ? null : repoFileFor(ctx.copies, abs);
  if (found !== null) return { path: found };
  // Not copied: a file of the upstream checkout itself is not the repo's patch.
  return { reason: `bumpguard cannot tell which repo file ends up at ${abs ?? value} (copy it with COPY or a bind mount)` };
}

const PATCH_ARG_OPTS = new Set([
  '-F',
  '-o',
  '-r',
  '-B',
  '-z',
  '-Y',
  '-D',
  '-V',
  '-g',
  '--fuzz',
  '--output',
  '--reject-file',
  '--prefix',
  '--suffix',
  '--basename-prefix',
  '--ifdef',
  '--version-control',
  '--get',
]);

/** `patch [-pN] [-d dir] [-R] [-i file | < file]`. */
function readPatch(tokens: ShellToken[], from: number, end: number, ctx: ShellContext, at: EditSite, edits: SourceEdit[]): void {
  let strip = 0;
  let dir: Word | null = null;
  let input: Word | null = null;
  let reverse = false;
  for (let j = from; j < end; j++) {
    const t = tokens[j]!;
    const next = tokens[j + 1];
    if (t.kind === 'op') {
      if (t.value === '<' && next?.kind === 'word') input = next;
      j++;
      continue;
    }
    const v = t.value;
    const m = /^(?:-p|--strip=)(\d+)$/.exec(v);
    if (m) strip = Number(m[1]);
    else if ((v === '-p' || v === '--strip') && next?.kind === 'word') strip = Number(tokens[++j]!.value) || 0;
    else if (v === '-i' || v === '--input') input = next?.kind === 'word' ? (tokens[++j] as Word) : null;
    else if (v.startsWith('--input=') || (v.startsWith('-i') && v.length > 2))
      input = { ...t, value: v.replace(/^(--input=|-i)/, ''), quote: null };
    else if (v === '-d' || v === '--directory') dir = next?.kind === 'word' ? (tokens[++j] as Word) : null;
    else if (v.startsWith('--directory=')) dir = { ...t, value: v.slice('--directory='.length), quote: null };
    else if (v === '-R' || v === '--reverse') reverse = true;
    else if (v === '--dry-run') return;
    else if (PATCH_ARG_OPTS.has(v)) j++;
  }
  if (input === null)
    return void edits.push({
      kind: 'unreadable',
      at,
      reason: 'patch reads its patch from a pipe or an argument bumpguard does not follow; use `patch -pN < file` or `-i file`',
    });
  const here = dir === null ? ctx.cwd : resolvePath(ctx.cwd, word(dir, ctx.vars));
  pushPatch({ ...ctx, cwd: here }, at, 'patch', input, strip, reverse, here, edits);
}

/** `git [-C dir] clone … <upstream url> [dir]` sets the checkout; `git apply [-pN] [--directory=d] file…` edits it. */
function readGit(tokens: ShellToken[], from: number, end: number, ctx: ShellContext, at: EditSite, edits: SourceEdit[]): void {
  let j = from;
  let cwd = ctx.cwd;
  while (j < end && tokens[j]!.value.startsWith('-')) {
    if (tokens[j]!.value === '-C' && j + 1 < end) cwd = resolvePath(cwd, word(tokens[j + 1] as Word, ctx.vars));
    j += tokens[j]!.value === '-C' || tokens[j]!.value === '-c' ? 2 : 1;
  }
  const sub = tokens[j]?.value;
  if (sub === 'clone') {
    const operands = gitOperands(tokens, j + 1, end, CLONE_ARG_OPTS);
    const url = operands[0] ? word(operands[0], ctx.vars) : null;
    if (url === null || !isUpstreamUrl(url, ctx.upstream)) return;
    const dirWord = operands[1];
    const dir = dirWord
      ? word(dirWord, ctx.vars)
      : url
          .replace(/\.git\/?$/, '')
          .split('/')
          .at(-1)!;
    ctx.root = resolvePath(cwd, dir);
  } else if (sub === 'apply') {
    const opts = tokens.slice(j + 1, end).map((t) => t.value);
    if (opts.some((o) => o === '--check' || o === '--stat' || o === '--numstat' || o === '--summary')) return;
    const strip = Number(/^-p(\d+)$/.exec(opts.find((o) => /^-p\d+$/.test(o)) ?? '')?.[1] ?? 1);
    const reverse = opts.includes('-R') || opts.includes('--reverse');
    const directory = opts.find((o) => o.startsWith('--directory='))?.slice('--directory='.length) ?? null;
    // Inside a clone, git apply's paths are relative to its top level, wherever it runs.
    const top = ctx.root !== null && cwd !== null && insideRoot(ctx.root, cwd) !== null ? ctx.root : cwd;
    const base = directory === null ? top : resolvePath(top, directory);
    const inputs = gitOperands(tokens, j + 1, end, new Set(['--exclude', '--include']));
    const redirect = tokens.slice(j + 1, end).findIndex((t) => t.kind === 'op' && t.value === '<');
    const files =
      inputs.length > 0 ? inputs : redirect >= 0 && tokens[j + 2 + redirect]?.kind === 'word' ? [tokens[j + 2 + redirect] as Word] : [];
    if (files.length === 0)
      return void edits.push({
        kind: 'unreadable',
        at,
        reason: 'git apply reads its patch from a pipe bumpguard does not follow; name the file',
      });
    for (const f of files) pushPatch({ ...ctx, cwd }, at, 'git apply', f, strip, reverse, base, edits);
  }
}

const CLONE_ARG_OPTS = new Set([
  '-b',
  '--branch',
  '-o',
  '--origin',
  '-c',
  '--config',
  '--depth',
  '--reference',
  '--separate-git-dir',
  '-j',
  '--jobs',
  '-u',
  '--upload-pack',
  '--template',
  '--shallow-since',
  '--shallow-exclude',
  '--filter',
]);

function gitOperands(tokens: ShellToken[], from: number, end: number, argOpts: ReadonlySet<string>): Word[] {
  const out: Word[] = [];
  for (let j = from; j < end; j++) {
    const t = tokens[j]!;
    if (t.kind === 'op') {
      j++;
      continue;
    }
    if (argOpts.has(t.value)) j++;
    else if (!t.value.startsWith('-')) out.push(t);
  }
  return out;
}

/** `go run [-C dir] ./cmd/featuretags`: upstream's own tool runs in the checkout's root. */
function readGoRun(tokens: ShellToken[], from: number, end: number, ctx: ShellContext): void {
  let cwd = ctx.cwd;
  for (let j = from; j < end; j++) {
    const v = tokens[j]!.value;
    if (v === '-C' && j + 1 < end) cwd = resolvePath(cwd, word(tokens[++j] as Word, ctx.vars));
    else if (isFeaturetagsPackage(v)) {
      ctx.root ??= v.startsWith('/') ? resolvePath(null, v.replace(/\/cmd\/featuretags.*$/, '')) : cwd;
      return;
    }
  }
}

function pushPatch(
  ctx: ShellContext,
  at: EditSite,
  tool: 'patch' | 'git apply',
  input: Word,
  strip: number,
  reverse: boolean,
  base: string | null,
  edits: SourceEdit[],
): void {
  const file = repoFile(input, ctx);
  if ('reason' in file) return void edits.push({ kind: 'unreadable', at, reason: `${tool} of ${input.value}: ${file.reason}` });
  if (ctx.root === null) return void edits.push({ kind: 'unreadable', at, reason: NO_ROOT });
  if (base === null)
    return void edits.push({ kind: 'unreadable', at, reason: `${tool} runs in a directory bumpguard cannot tell (cd to a variable?)` });
  const directory = insideRoot(ctx.root, base);
  if (directory === null) return;
  edits.push({ kind: 'patch', at, tool, patchFile: file.path, strip, directory, reverse });
}

// Paths inside the build container, as far as the Dockerfile tells: the working directory,
// variables from ARG/ENV, and which repo files COPY (or a bind mount) put where, so a
// `patch < /tmp/fix.patch` can be traced back to `patches/fix.patch` in the repo.
/**
 * Where a stage starts when its base image sets its own WORKDIR (golang:alpine uses /go): a
 * placeholder that only resolves against itself, so relative paths still compare correctly.
 */
export const IMAGE_WORKDIR = '/<image workdir>';

/** `/a/b` + `c` → `/a/b/c`; null when either side is unknown. */
export function resolvePath(cwd: string | null, path: string | null): string | null {
  if (path === null) return null;
  const abs = path.startsWith('/') ? posix.normalize(path) : cwd === null ? null : posix.join(cwd, path);
  return abs === null || abs === '/' ? abs : abs.replace(/\/+$/, '');
}

/** `path` relative to `root` when it lies inside it ('' for the root itself), else null. */
export function insideRoot(root: string, path: string): string | null {
  if (path === root) return '';
  return path.startsWith(root.endsWith('/') ? root : `${root}/`) ? path.slice(root.length).replace(/^\/+/, '') : null;
}

const VAR_RE = /\$(?:\{(?<braced>[A-Za-z_][A-Za-z0-9_]*)\}|(?<bare>[A-Za-z_][A-Za-z0-9_]*))/g;

/** Expand `$NAME` / `${NAME}` from known values; null when any is unknown or the syntax is richer (`${X:-y}`). */
export function expandVars(text: string, vars: ReadonlyMap<string, string | null>): string | null {
  let unknown = false;
  const out = text.replace(VAR_RE, (_, braced: string | undefined, bare: string | undefined) => {
    const value = vars.get((braced ?? bare)!);
    if (value === undefined || value === null) unknown = true;
    return value ?? '';
  });
  if (unknown || /\$[{(]/.test(out)) return null;
  return out;
}

/** One COPY/ADD from the build context, or a RUN bind mount: repo sources → a container path. */
export interface ContextCopy {
  /** Repo paths (files, directories or globs), relative to the repo root. */
  sources: string[];
  /** Absolute container path. */
  dest: string;
  /** The destination is a directory the sources land in (trailing `/`, several sources, a glob or a directory source). */
  intoDir: boolean;
}

/** The repo file a container path came from, by the latest copy that covers it; null when none does. */
function repoFileFor(copies: readonly ContextCopy[], containerPath: string): string | null {
  for (let k = copies.length - 1; k >= 0; k--) {
    const c = copies[k]!;
    if (!c.intoDir) {
      if (c.dest === containerPath && c.sources.length === 1) return c.sources[0]!;
      continue;
    }
    const rel = insideRoot(c.dest, containerPath);
    if (rel === null || rel === '') continue;
    for (const source of c.sources) {
      if (posix.basename(source) === rel && !hasGlob(source)) return source;
      if (hasGlob(source) && !rel.includes('/') && posix.matchesGlob(posix.join(posix.dirname(source), rel), source))
        return posix.join(posix.dirname(source), rel);
      // A directory source copies its contents (COPY patches/ /patches/).
      if (!hasGlob(source) && c.sources.length === 1 && !/\.[A-Za-z0-9]+$/.test(source)) return posix.join(source, rel);
    }
  }
  return null;
}

function hasGlob(path: string): boolean {
  return /[*?[]/.test(path);
}

/** A clone URL of the upstream repository ("owner/name"), e.g. https://github.com/tailscale/tailscale.git. */
export function isUpstreamUrl(url: string, upstream: string): boolean {
  const escaped = upstream.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`(^|[/:])${escaped}(\\.git)?/?$`, 'i').test(url);
}
