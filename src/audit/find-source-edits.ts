// Find every edit a target's build makes to the upstream tree, by walking the Dockerfile as
// BuildKit would: stages, WORKDIR, ARG/ENV values, what COPY brings from the repo, where the
// upstream checkout is (`git clone …/tailscale/tailscale [dir]`, `ADD <git url> dir`, or the
// directory the featuretags call runs in), and the shell commands of each RUN and of the
// scripts it runs (`cd`, `sed -i`, `patch`, `git apply`). Pure: text in, edits out; an edit that
// cannot be pinned down (a path from a shell variable, say) is returned as `unreadable` with why.
import { posix } from 'node:path';
import { expandVars, IMAGE_WORKDIR, insideRoot, isUpstreamUrl, resolvePath, type ContextCopy } from './find-edit-commands.ts';
import { findEditCommands, oneLine, type ShellContext } from './find-edit-commands.ts';
import { findFeaturetagsCall } from './parse-recipe.ts';
import { tokenizeShell } from './shell-lines.ts';
import type { SourceEdit } from './types.ts';
import { splitDockerfileInstructions, splitShell, type DockerInstruction } from './shell-lines.ts';

export interface FindSourceEditsInput {
  /** The Dockerfile, then the scripts it runs (as in parseRecipe). */
  files: { path: string; text: string }[];
  /** Build context, relative to the repo root (config `context`). */
  context: string;
  /** "owner/name" of upstream (config `upstream`): which `git clone` is the upstream checkout. */
  upstream: string;
  /** Build args the bot passes (config `buildArgs`): they override ARG defaults. */
  buildArgs: Record<string, string>;
}

interface StageState {
  workdir: string | null;
  /** Absolute container path of the upstream checkout, once known. */
  root: string | null;
}

export function findSourceEdits(input: FindSourceEditsInput): SourceEdit[] {
  const [dockerfile, ...scripts] = input.files;
  if (!dockerfile) return [];
  const vars = new Map<string, string | null>(Object.entries(input.buildArgs));
  const copies: ContextCopy[] = [];
  const stages = new Map<string, StageState>();
  const scriptContexts = new Map<string, ShellContext>();
  const edits: SourceEdit[] = [];
  let stage: StageState = { workdir: IMAGE_WORKDIR, root: null };
  const { instructions } = splitDockerfileInstructions(dockerfile.path, dockerfile.text);
  const hints = featuretagsDirs(instructions, vars);
  let stageIndex = -1;
  for (const ins of instructions) {
    const words = ins.args
      .trim()
      .split(/\s+/)
      .filter((w) => w !== '');
    switch (ins.keyword) {
      case 'FROM': {
        const [image, as, name] = words.filter((w) => !w.startsWith('--'));
        const parent = image === undefined ? undefined : stages.get(image.toLowerCase());
        stage = parent ? { ...parent } : { workdir: IMAGE_WORKDIR, root: null };
        const hint = hints.get(++stageIndex) ?? null;
        stage.root ??= hint;
        if (as?.toLowerCase() === 'as' && name) stages.set(name.toLowerCase(), stage);
        break;
      }
      case 'WORKDIR':
        stage.workdir = resolvePath(stage.workdir, expandVars(ins.args.trim(), vars));
        break;
      case 'ARG':
      case 'ENV':
        readVars(ins.keyword, ins.args, vars);
        break;
      case 'COPY':
      case 'ADD': {
        const copy = readCopy(words, stage.workdir, vars, input.context);
        if (copy === null) break;
        if (ins.keyword === 'ADD' && copy.gitUpstream(input.upstream)) stage.root = copy.dest;
        if (copy.fromContext) copies.push(copy);
        const rel = stage.root === null ? null : insideRoot(stage.root, copy.dest);
        const goSources = copy.fromContext ? copy.sources.filter((s) => s.endsWith('.go')) : [];
        if (rel !== null && goSources.length > 0) {
          const destDir = copy.intoDir ? rel : posix.dirname(rel) === '.' ? '' : posix.dirname(rel);
          edits.push({
            kind: 'copy-go',
            at: { path: dockerfile.path, line: ins.line, command: oneLine(`${ins.keyword} ${ins.args.trim()}`) },
            sources: goSources,
            destDir,
          });
        }
        break;
      }
      case 'RUN': {
        const mounts = ins.flags.map((f) => readBindMount(f, input.context)).filter((m): m is ContextCopy => m !== null);
        const onScript = (word: string, at: ShellContext) => {
          const script = scripts.find((s) => posix.basename(s.path) === posix.basename(word));
          if (script && !scriptContexts.has(script.path)) scriptContexts.set(script.path, { ...at, onScript: undefined });
        };
        const ctx: ShellContext = {
          cwd: stage.workdir,
          root: stage.root,
          vars,
          copies: [...copies, ...mounts],
          upstream: input.upstream,
          onScript,
        };
        for (const line of ins.shell) for (const e of findEditCommands(line, ctx)) edits.push(e);
        // A checkout found in this RUN (clone or featuretags call) is the stage's from now on.
        stage.root = ctx.root;
        break;
      }
    }
  }
  for (const script of scripts) {
    // A script no RUN names runs who knows where: its edits are listed, as not evaluated.
    const ctx = scriptContexts.get(script.path) ?? { cwd: null, root: null, vars, copies, upstream: input.upstream };
    for (const line of splitShell(script.path, script.text)) for (const e of findEditCommands(line, ctx)) edits.push(e);
  }
  return edits;
}

/**
 * Per stage, the WORKDIR of its RUN that calls featuretags: upstream's tool runs in the checkout
 * (`./cmd/featuretags`), so that directory is the checkout for the whole stage, even for an edit
 * written before the call. A `git clone` found on the way still takes precedence.
 */
function featuretagsDirs(instructions: DockerInstruction[], globals: ReadonlyMap<string, string | null>): Map<number, string> {
  const vars = new Map(globals);
  const dirs = new Map<number, string>();
  let stage = -1;
  let workdir: string | null = null;
  for (const ins of instructions) {
    if (ins.keyword === 'FROM') {
      stage++;
      workdir = IMAGE_WORKDIR;
    } else if (ins.keyword === 'WORKDIR') {
      workdir = resolvePath(workdir, expandVars(ins.args.trim(), vars));
    } else if (ins.keyword === 'ARG' || ins.keyword === 'ENV') {
      readVars(ins.keyword, ins.args, vars);
    } else if (
      ins.keyword === 'RUN' &&
      workdir !== null &&
      !dirs.has(stage) &&
      ins.shell.some((l) => findFeaturetagsCall(l, tokenizeShell(l.text)) !== null)
    ) {
      dirs.set(stage, workdir);
    }
  }
  return dirs;
}

/** `ARG A=1 B`, `ENV A=1 B=2`, legacy `ENV A 1`. A value from a variable expands when known. */
function readVars(keyword: string, args: string, vars: Map<string, string | null>): void {
  const text = args.trim();
  const legacy = keyword === 'ENV' && /^[A-Za-z_][A-Za-z0-9_]*\s/.test(text) && !text.split(/\s+/)[0]!.includes('=');
  if (legacy) {
    const [name, ...rest] = text.split(/\s+/);
    vars.set(name!, expandVars(unquote(rest.join(' ')), vars));
    return;
  }
  for (const word of text.split(/\s+/)) {
    const eq = word.indexOf('=');
    const name = eq < 0 ? word : word.slice(0, eq);
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) continue;
    // `ARG NAME` without a default keeps a value set before (a build arg); otherwise unknown.
    if (eq < 0) {
      if (!vars.has(name)) vars.set(name, null);
      continue;
    }
    if (keyword === 'ARG' && vars.has(name) && vars.get(name) !== null) continue;
    vars.set(name, expandVars(unquote(word.slice(eq + 1)), vars));
  }
}

function unquote(v: string): string {
  return /^(["']).*\1$/.test(v) ? v.slice(1, -1) : v;
}

type ReadCopy = ContextCopy & { fromContext: boolean; gitUpstream(upstream: string): boolean };

/** `COPY [--from=x] [--chown=…] src… dest` or the JSON form; dest resolved against WORKDIR. */
function readCopy(words: string[], workdir: string | null, vars: ReadonlyMap<string, string | null>, context: string): ReadCopy | null {
  const flags = words.filter((w) => w.startsWith('--'));
  let args = words.filter((w) => !w.startsWith('--'));
  if (args[0]?.startsWith('[')) {
    try {
      const parsed: unknown = JSON.parse(words.filter((w) => !w.startsWith('--')).join(' '));
      if (!Array.isArray(parsed) || !parsed.every((p) => typeof p === 'string')) return null;
      args = parsed;
    } catch (err) {
      if (err instanceof SyntaxError) return null;
      throw err;
    }
  }
  if (args.length < 2 || args.some((a) => a.startsWith('<<'))) return null;
  const rawDest = args.at(-1)!;
  const dest = resolvePath(workdir, expandVars(rawDest, vars));
  if (dest === null) return null;
  const rawSources = args.slice(0, -1);
  const fromContext = !flags.some((f) => f.startsWith('--from='));
  const sources = rawSources.map((s) => posix.normalize(posix.join(context, expandVars(s, vars) ?? s)));
  const intoDir = rawDest.endsWith('/') || rawSources.length > 1 || rawSources.some((s) => /[*?[]/.test(s) || s.endsWith('/'));
  return {
    sources,
    dest,
    intoDir,
    fromContext,
    gitUpstream: (upstream) => rawSources.length === 1 && isUpstreamUrl(rawSources[0]!.replace(/#.*$/, ''), upstream),
  };
}

/** `--mount=type=bind,source=patches,target=/patches` → a copy of `patches` at `/patches`. */
function readBindMount(flag: string, context: string): ContextCopy | null {
  const m = /^--mount=(.*)$/.exec(flag);
  if (!m) return null;
  const opts = new Map(m[1]!.split(',').map((kv) => [kv.split('=')[0]!, kv.split('=').slice(1).join('=')] as const));
  if ((opts.get('type') ?? 'bind') !== 'bind' || opts.has('from')) return null;
  const target = opts.get('target') ?? opts.get('dst') ?? opts.get('destination');
  if (!target?.startsWith('/')) return null;
  return {
    sources: [posix.normalize(posix.join(context, opts.get('source') ?? opts.get('src') ?? '.'))],
    dest: posix.normalize(target),
    intoDir: true,
  };
}
