// Evaluate the build's source edits against upstream at both tags: read each edited file (once,
// through the shared upstream reader), run the edit with the EditRunner port, and judge the
// outcome (the evaluate* functions below). I/O goes through the ports only.

import { posix } from 'node:path';
import { diffLines, parsePatch, structuredPatch } from 'diff';
import type { ApplyCheck, EditRef, EditRunner, EditStatus, Finding, SedRun, UpstreamSource } from '../core/index.ts';
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

// Judge each source edit from what it did at the base tag and at the new tag (pure: the runs and
// reads are done by audit-source-edits.ts). A sed that changed lines before and none now, a
// target file that is gone, a patch that no longer applies or a package that moved is a blocker:
// the build still succeeds and the fix silently disappears. A changed count is a warning.
/** A finding before acknowledgment. */
type EditFinding = Omit<Finding, 'acknowledged'>;

interface Evaluated {
  status: EditStatus;
  finding: EditFinding | null;
}

interface Tags {
  fromTag: string;
  toTag: string;
}

/** One side of a sed edit of one file: the file's text there (null: absent) and the run. */
interface SedSide {
  text: string | null;
  run: SedRun | null;
}

const MAX_DETAIL = 4000;

function ref(edit: SourceEdit, target: string): EditRef {
  return { path: edit.at.path, line: edit.at.line, target };
}

function where(edit: SourceEdit): string {
  return `${edit.at.path}:${edit.at.line}`;
}

function status(edit: SourceEdit, target: string, s: EditStatus['status'], message: string, extra: Partial<EditStatus> = {}): EditStatus {
  return { kind: edit.kind, path: edit.at.path, line: edit.at.line, command: edit.at.command, target, status: s, ...extra, message };
}

function unevaluatedEdit(edit: SourceEdit, target: string, why: string): Evaluated {
  const message = `${edit.at.command.split(' ')[0]} at ${where(edit)}${target ? ` (${target})` : ''} was not evaluated: ${why}`;
  return {
    status: status(edit, target, 'unevaluated', message),
    finding: { severity: 'info', kind: 'patch-unevaluated', features: [], introduced: false, message, edit: ref(edit, target) },
  };
}

/** Lines that differ between a file and sed's output: per changed block, the larger side. */
function countChangedLines(before: string, after: string): number {
  if (before === after) return 0;
  let changed = 0;
  let removed = 0;
  let added = 0;
  const flush = () => {
    changed += Math.max(removed, added);
    removed = added = 0;
  };
  // A sed that rewrites everything is bounded: past the edit limit, every line counts.
  const parts = diffLines(before, after, { maxEditLength: 20_000 });
  if (parts === undefined) return Math.max(before.split('\n').length, after.split('\n').length);
  for (const part of parts) {
    if (part.removed) removed += part.count ?? 0;
    else if (part.added) added += part.count ?? 0;
    else flush();
  }
  flush();
  return changed;
}

function evaluateSed(edit: SedEdit, file: string, from: SedSide, to: SedSide, tags: Tags): Evaluated {
  const label = `the sed at ${where(edit)}`;
  if (to.text === null) {
    const message = `${file}, which ${label} edits, does not exist at ${tags.toTag}${from.text === null ? ` (nor at ${tags.fromTag})` : ''}`;
    return stale(edit, file, message, from.text !== null, undefined);
  }
  const bad = [to.run, from.run].find((r): r is Exclude<SedRun, { status: 'ok' }> => r !== null && r.status !== 'ok');
  if (bad) {
    const why =
      bad.status === 'refused'
        ? `GNU sed's --sandbox refuses it (it uses the e, r or w command, which would run commands or touch files on the bot host): ${bad.message}`
        : bad.status === 'failed'
          ? `sed reports an error: ${bad.message}`
          : bad.message;
    return unevaluatedEdit(edit, file, why);
  }
  const countAt = (side: SedSide) =>
    side.text === null || side.run?.status !== 'ok' ? null : countChangedLines(side.text, side.run.output);
  const before = countAt(from);
  const after = countAt(to)!;
  const changed = { from: before, to: after };
  if (after === 0) {
    const message =
      before === null
        ? `${label} changes nothing in ${file} at ${tags.toTag} (the file is new there)`
        : before > 0
          ? `${label} changed ${lines(before)} of ${file} at ${tags.fromTag} and changes none at ${tags.toTag}: upstream moved what it edits`
          : `${label} changes nothing in ${file} at ${tags.fromTag} or ${tags.toTag}`;
    return stale(edit, file, message, before !== 0, changed, scriptDetail(edit));
  }
  if (before !== null && before !== after) {
    const message = `${label} changes ${lines(after)} of ${file} at ${tags.toTag}, ${lines(before)} at ${tags.fromTag}: check it still edits what it should`;
    const detail = effectDiff(file, to, tags.toTag);
    return {
      status: status(edit, file, 'drift', message, { changed }),
      finding: {
        severity: 'warning',
        kind: 'patch-drift',
        features: [],
        introduced: true,
        message,
        edit: ref(edit, file),
        ...(detail ? { detail } : {}),
      },
    };
  }
  return {
    status: status(
      edit,
      file,
      'applies',
      `${label} changes ${lines(after)} of ${file} at ${tags.toTag}${before === null ? '' : ', as at ' + tags.fromTag}`,
      { changed },
    ),
    finding: null,
  };
}

function stale(
  edit: SourceEdit,
  target: string,
  message: string,
  introduced: boolean,
  changed: EditStatus['changed'],
  detail?: string,
): Evaluated {
  return {
    status: status(edit, target, 'stale', message, changed ? { changed } : {}),
    finding: {
      severity: 'blocker',
      kind: 'patch-stale',
      features: [],
      introduced,
      message,
      edit: ref(edit, target),
      ...(detail ? { detail } : {}),
    },
  };
}

function lines(n: number): string {
  return n === 1 ? '1 line' : `${n} lines`;
}

function scriptDetail(edit: SedEdit): string {
  return clipDetail(edit.scriptFile !== null ? `sed -f ${edit.scriptFile}` : edit.scripts.map((s) => `sed -e '${s}'`).join('\n'));
}

/** What the sed does to the file at the new tag, as a diff a reviewer can read. */
function effectDiff(file: string, side: SedSide, tag: string): string | null {
  if (side.text === null || side.run?.status !== 'ok') return null;
  const patch = structuredPatch(`${tag}/${file}`, `${tag}/${file} (after sed)`, side.text, side.run.output, undefined, undefined, {
    context: 1,
  });
  const body = patch.hunks
    .map((h) => [`@@ -${h.oldStart},${h.oldLines} +${h.newStart},${h.newLines} @@`, ...h.lines].join('\n'))
    .join('\n');
  return clipDetail(`--- ${patch.oldFileName}\n+++ ${patch.newFileName}\n${body}`);
}

function clipDetail(text: string): string {
  return text.length > MAX_DETAIL ? `${text.slice(0, MAX_DETAIL)}\n… (cut)` : text;
}

/** A patch file's check at both tags; `hunks` maps "path:oldStart" to the hunk's text, for git's error lines. */
function evaluatePatch(edit: PatchEdit, from: ApplyCheck, to: ApplyCheck, hunks: ReadonlyMap<string, string>, tags: Tags): Evaluated {
  const label = `${edit.patchFile} (${edit.tool} at ${where(edit)})`;
  const odd = [to, from].find((c) => c.status === 'limit' || c.status === 'unavailable') as { message: string } | undefined;
  if (odd) return unevaluatedEdit(edit, edit.patchFile, odd.message);
  if (to.status === 'applies')
    return { status: status(edit, edit.patchFile, 'applies', `${label} applies to ${tags.toTag}`), finding: null };
  const message = `${label} no longer applies to ${tags.toTag}${from.status === 'applies' ? '' : ` (it did not apply to ${tags.fromTag} either)`}`;
  const gitSays = to.status === 'rejected' ? to.message : '';
  const rejected = [...gitSays.matchAll(/patch failed: (\S+):(\d+)/g)]
    .map((m) => hunks.get(`${m[1]}:${m[2]}`))
    .filter((h): h is string => h !== undefined);
  return stale(
    edit,
    edit.patchFile,
    message,
    from.status === 'applies',
    undefined,
    clipDetail([gitSays, ...rejected].filter((t) => t !== '').join('\n\n')),
  );
}

/** One side of a COPY'd Go file: the destination package's name there (null: no Go package at that path). */
function evaluateCopy(
  edit: CopyGoEdit,
  copied: { path: string; pkg: string | null }[],
  from: string | null,
  to: string | null,
  tags: Tags,
): Evaluated {
  const dir = edit.destDir === '' ? 'the checkout root' : edit.destDir;
  const label = `${where(edit)} copies ${copied.map((c) => c.path).join(', ') || edit.sources.join(', ')} into ${dir}`;
  if (copied.length === 0) return unevaluatedEdit(edit, edit.destDir, `no file in the repo matches ${edit.sources.join(', ')}`);
  if (to === null) {
    return stale(
      edit,
      edit.destDir,
      `${label}, which has no Go package at ${tags.toTag}${from === null ? ` (nor at ${tags.fromTag})` : ''}: the copied code no longer compiles in where it should`,
      from !== null,
      undefined,
    );
  }
  const wrong = copied.filter((c) => c.pkg !== null && c.pkg !== to && c.pkg !== `${to}_test`);
  if (wrong.length > 0) {
    const fromOk = from !== null && wrong.every((c) => c.pkg === from || c.pkg === `${from}_test`);
    const what = wrong.map((c) => `${c.path} says package ${c.pkg}`).join('; ');
    return stale(
      edit,
      edit.destDir,
      `${label}, but ${dir} is package ${to} at ${tags.toTag} and ${what}: the build will fail or compile the wrong code`,
      fromOk,
      undefined,
    );
  }
  return { status: status(edit, edit.destDir, 'applies', `${label}, package ${to} at ${tags.toTag}`), finding: null };
}

function evaluateUnreadable(edit: Extract<SourceEdit, { kind: 'unreadable' }>): Evaluated {
  return unevaluatedEdit(edit, '', edit.reason);
}
