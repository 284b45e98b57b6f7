// Judge each source edit from what it did at the base tag and at the new tag (pure: the runs and
// reads are done by audit-source-edits.ts). A sed that changed lines before and none now, a
// target file that is gone, a patch that no longer applies or a package that moved is a blocker:
// the build still succeeds and the fix silently disappears. A changed count is a warning.

import { diffLines, structuredPatch } from 'diff';
import type { ApplyCheck, EditRef, EditStatus, Finding, SedRun } from '../core/index.ts';
import type { CopyGoEdit, PatchEdit, SedEdit, SourceEdit } from './types.ts';

/** A finding before acknowledgment. */
export type EditFinding = Omit<Finding, 'acknowledged'>;

export interface Evaluated {
  status: EditStatus;
  finding: EditFinding | null;
}

export interface Tags {
  fromTag: string;
  toTag: string;
}

/** One side of a sed edit of one file: the file's text there (null: absent) and the run. */
export interface SedSide {
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

export function unevaluatedEdit(edit: SourceEdit, target: string, why: string): Evaluated {
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

export function evaluateSed(edit: SedEdit, file: string, from: SedSide, to: SedSide, tags: Tags): Evaluated {
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
export function evaluatePatch(
  edit: PatchEdit,
  from: ApplyCheck,
  to: ApplyCheck,
  hunks: ReadonlyMap<string, string>,
  tags: Tags,
): Evaluated {
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
export function evaluateCopy(
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

export function evaluateUnreadable(edit: Extract<SourceEdit, { kind: 'unreadable' }>): Evaluated {
  return unevaluatedEdit(edit, '', edit.reason);
}
