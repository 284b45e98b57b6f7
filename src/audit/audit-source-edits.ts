// Evaluate the build's source edits against upstream at both tags: read each edited file (once,
// through the shared upstream reader), run the edit with the EditRunner port, and judge the
// outcome (evaluate-source-edits.ts). I/O goes through the ports only.

import { posix } from 'node:path';
import { parsePatch } from 'diff';
import type { EditRunner, EditStatus, UpstreamSource } from '../core/index.ts';
import {
  evaluateCopy,
  evaluatePatch,
  evaluateSed,
  evaluateUnreadable,
  unevaluatedEdit,
  type EditFinding,
  type Evaluated,
  type SedSide,
  type Tags,
} from './evaluate-source-edits.ts';
import { goPackageName } from './go-decls.ts';
import { symbolsInSedScript } from './sed-script.ts';
import type { CopyGoEdit, PatchEdit, SedEdit, SourceEdit } from './types.ts';

export interface SourceEditsInput {
  edits: SourceEdit[];
  tags: Tags;
  /** The target repo at the head. */
  repo: { readFile(path: string): Promise<string | null>; listFiles(dir: string): Promise<string[]> };
  upstream: UpstreamSource;
  /** null: no runner on this host, every sed and patch is reported as not evaluated. */
  runner: EditRunner | null;
}

export interface SourceEditsAudit {
  statuses: EditStatus[];
  findings: EditFinding[];
  /** Go symbols sed addresses name (`/func invertGSOChecksum/,/^}/`), watched as if listed under `watch:`. */
  autoWatch: { file: string; symbol: string; via: string }[];
  /** Upstream paths the edits touch: files, or a package directory with a trailing `/`. */
  touched: string[];
}

/** A patch larger than this, or touching more files, is not replayed. */
const MAX_PATCH_BYTES = 1024 * 1024;
const MAX_PATCH_FILES = 100;
/**
 * A recipe is a PR's text: each edit costs upstream reads (API requests on GitHub) and runs on the
 * bot host, so only the first edited files are replayed, a few at a time. Real recipes have a handful.
 */
const MAX_REPLAYED_FILES = 24;
const PARALLEL = 4;

export async function auditSourceEdits(input: SourceEditsInput): Promise<SourceEditsAudit> {
  const { replayed, skipped } = withinBudget(input.edits);
  const results = await mapLimit(replayed, PARALLEL, (edit) => evaluateEdit(edit, input));
  const evaluated = results.flat();
  if (skipped.length > 0) evaluated.push(tooMany(skipped));
  const autoWatch = replayed.flatMap((edit) => (edit.kind === 'sed' ? watchedBy(edit) : []));
  const touched = new Set<string>();
  for (const { status } of evaluated) {
    if (status.target === '' || status.kind === 'patch') continue;
    touched.add(status.kind === 'copy-go' ? `${status.target}/` : status.target);
  }
  for (const r of results.flat()) for (const f of r.patchFiles ?? []) touched.add(f);
  return {
    statuses: evaluated.map((e) => e.status),
    findings: evaluated.flatMap((e) => (e.finding ? [e.finding] : [])),
    autoWatch: dedupe(autoWatch),
    touched: [...touched].sort(),
  };
}

type Result = Evaluated & { patchFiles?: string[] };

/** The edits replayed (up to MAX_REPLAYED_FILES edited files, in recipe order) and the rest. */
function withinBudget(edits: SourceEdit[]): { replayed: SourceEdit[]; skipped: SourceEdit[] } {
  let files = 0;
  const replayed: SourceEdit[] = [];
  const skipped: SourceEdit[] = [];
  for (const edit of edits) {
    const cost = edit.kind === 'sed' ? edit.files.length : edit.kind === 'unreadable' ? 0 : 1;
    if (files + cost > MAX_REPLAYED_FILES) skipped.push(edit);
    else {
      files += cost;
      replayed.push(edit);
    }
  }
  return { replayed, skipped };
}

/** One line for every edit past the budget, not one finding each. */
function tooMany(skipped: SourceEdit[]): Result {
  const first = skipped[0]!;
  return unevaluatedEdit(
    first,
    '',
    `the recipe edits more than ${MAX_REPLAYED_FILES} upstream files; bumpguard replays the first ${MAX_REPLAYED_FILES}, and these ${skipped.length} edits from ${first.at.path}:${first.at.line} on are not replayed`,
  );
}

/** `fn` over `items` with at most `limit` running at once, results in order. */
async function mapLimit<T, R>(items: T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const k = next++;
      out[k] = await fn(items[k]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

function evaluateEdit(edit: SourceEdit, input: SourceEditsInput): Promise<Result[]> {
  switch (edit.kind) {
    case 'unreadable':
      return Promise.resolve([evaluateUnreadable(edit)]);
    case 'sed':
      return evaluateSedEdit(edit, input);
    case 'patch':
      return evaluatePatchEdit(edit, input).then((r) => [r]);
    case 'copy-go':
      return evaluateCopyEdit(edit, input).then((r) => [r]);
  }
}

async function evaluateSedEdit(edit: SedEdit, input: SourceEditsInput): Promise<Result[]> {
  const { runner, upstream, tags } = input;
  const scriptText = edit.scriptFile === null ? null : await input.repo.readFile(edit.scriptFile);
  if (edit.scriptFile !== null && scriptText === null)
    return edit.files.map((f) => unevaluatedEdit(edit, f, `its script file ${edit.scriptFile} is not in the repo`));
  if (runner === null) return edit.files.map((f) => unevaluatedEdit(edit, f, 'no sed runner is available on this host'));
  return Promise.all(
    edit.files.map(async (file) => {
      const side = async (tag: string): Promise<SedSide> => {
        const text = await upstream.readFile(tag, file);
        return { text, run: text === null ? null : await runner.sed({ scripts: edit.scripts, scriptText, flags: edit.flags, text }) };
      };
      const [from, to] = await Promise.all([side(tags.fromTag), side(tags.toTag)]);
      return evaluateSed(edit, file, from, to, tags);
    }),
  );
}

async function evaluatePatchEdit(edit: PatchEdit, input: SourceEditsInput): Promise<Result> {
  const { runner, upstream, tags } = input;
  const text = await input.repo.readFile(edit.patchFile);
  if (text === null) return unevaluatedEdit(edit, edit.patchFile, `${edit.patchFile} is not in the repo`);
  if (text.length > MAX_PATCH_BYTES)
    return unevaluatedEdit(edit, edit.patchFile, `the patch is larger than ${MAX_PATCH_BYTES / 1024 / 1024} MiB`);
  const files = patchedFiles(text, edit);
  if (typeof files === 'string') return unevaluatedEdit(edit, edit.patchFile, files);
  if (runner === null) return { ...unevaluatedEdit(edit, edit.patchFile, 'git is not available on this host'), patchFiles: files.paths };
  const check = async (tag: string) => {
    const texts = new Map(await Promise.all(files.paths.map(async (p) => [p, await upstream.readFile(tag, p)] as const)));
    return runner.applyCheck({
      patch: text,
      strip: edit.strip,
      directory: edit.directory,
      reverse: edit.reverse,
      fuzzy: edit.tool === 'patch',
      files: texts,
    });
  };
  const [from, to] = await Promise.all([check(tags.fromTag), check(tags.toTag)]);
  return { ...evaluatePatch(edit, from, to, files.hunks, tags), patchFiles: files.paths };
}

/** Upstream paths a patch touches, after `-p` and `--directory`, and its hunks by "path:oldStart"; or why it cannot be read. */
function patchedFiles(text: string, edit: PatchEdit): { paths: string[]; hunks: Map<string, string> } | string {
  let parsed: ReturnType<typeof parsePatch>;
  try {
    parsed = parsePatch(text);
  } catch (err) {
    if (err instanceof Error) return `the patch cannot be parsed (${err.message})`;
    throw err;
  }
  const paths = new Set<string>();
  const hunks = new Map<string, string>();
  for (const file of parsed) {
    for (const name of [file.oldFileName, file.newFileName]) {
      if (name === undefined || name === '/dev/null') continue;
      const parts = name.replace(/\t.*$/, '').split('/').slice(edit.strip);
      const path = posix.join(edit.directory, ...parts);
      if (parts.length === 0 || path.startsWith('..') || path.startsWith('/'))
        return `the patch names a path bumpguard will not read (${name})`;
      paths.add(path);
      for (const h of file.hunks)
        hunks.set(`${path}:${h.oldStart}`, [`@@ -${h.oldStart},${h.oldLines} +${h.newStart},${h.newLines} @@`, ...h.lines].join('\n'));
    }
  }
  if (paths.size === 0) return 'the patch touches no file';
  if (paths.size > MAX_PATCH_FILES) return `the patch touches more than ${MAX_PATCH_FILES} files`;
  return { paths: [...paths].sort(), hunks };
}

async function evaluateCopyEdit(edit: CopyGoEdit, input: SourceEditsInput): Promise<Result> {
  const { upstream, tags } = input;
  if (!upstream.listDir) return unevaluatedEdit(edit, edit.destDir, `${upstream.describe} cannot list directories`);
  const copied = await copiedFiles(edit, input.repo);
  const pkgAt = async (tag: string): Promise<string | null> => {
    const names = await upstream.listDir!(tag, edit.destDir);
    const goFiles = (names ?? []).filter((n) => n.endsWith('.go') && !n.endsWith('_test.go')).sort();
    for (const name of goFiles) {
      const pkg = goPackageName((await upstream.readFile(tag, posix.join(edit.destDir, name))) ?? '');
      if (pkg !== null) return pkg;
    }
    return null;
  };
  const [from, to] = await Promise.all([pkgAt(tags.fromTag), pkgAt(tags.toTag)]);
  return evaluateCopy(edit, copied, from, to, tags);
}

/** The repo's files a COPY names (globs expanded), each with its package clause. */
async function copiedFiles(edit: CopyGoEdit, repo: SourceEditsInput['repo']): Promise<{ path: string; pkg: string | null }[]> {
  const paths: string[] = [];
  for (const source of edit.sources) {
    if (!/[*?[]/.test(source)) {
      paths.push(source);
      continue;
    }
    const dir = posix.dirname(source);
    for (const p of await repo.listFiles(dir)) if (posix.matchesGlob(p, source)) paths.push(p);
  }
  const files = await Promise.all([...new Set(paths)].map(async (path) => ({ path, text: await repo.readFile(path) })));
  return files.filter((f) => f.text !== null).map((f) => ({ path: f.path, pkg: goPackageName(f.text!) }));
}

function watchedBy(edit: SedEdit): SourceEditsAudit['autoWatch'] {
  const symbols = edit.scripts.flatMap(symbolsInSedScript);
  return edit.files.flatMap((file) =>
    symbols.map((symbol) => ({ file, symbol, via: `the sed at ${edit.at.path}:${edit.at.line} edits it` })),
  );
}

function dedupe(list: SourceEditsAudit['autoWatch']): SourceEditsAudit['autoWatch'] {
  const seen = new Set<string>();
  return list.filter((w) => !seen.has(`${w.file}\0${w.symbol}`) && seen.add(`${w.file}\0${w.symbol}`));
}
