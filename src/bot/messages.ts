// The bot's own short comments (help, refusals, waiting for approval, a job error). Pure markdown;
// the full report is src/report's. Sticky ones start with MARKER so the next run replaces them.
import { BumpguardError, ForgeError, shortSha } from '../core/index.ts';
import { NOT_A_BUMP, OVERRIDE_SCOPES } from '../policy/index.ts';
import { code, escapeText, MARKER } from '../report/index.ts';

export function renderHelp(problem?: string): string {
  const accept = Object.entries(OVERRIDE_SCOPES).map(([kind, scope]) => `  - \`${kind}\`: ${scope}`);
  return [
    problem ? `${escapeText(problem)}\n` : '',
    '**bumpguard commands** (write access needed; one per comment, on its own line):',
    '- `/rebuild [arch…]`: build base and head again, ignoring cached results for the head (e.g. `/rebuild arm64`). On a fork PR this also approves building its current head.',
    '- `/audit`: run only the feature-tag audit (fast, no builds).',
    '- `/accept <kind> <reason>`: accept the named blockers for this head commit only; the reason is shown in the report.',
    ...accept,
    '- `/help`: this text.',
  ]
    .filter(Boolean)
    .join('\n');
}

export function renderRefusal(login: string, command: string): string {
  return `@${escapeText(login)}, thanks — ${code(command)} needs write access to this repository, so bumpguard did not run it. A maintainer can run it for you.`;
}

export function renderUnknownPlatforms(unknown: string[], configured: string[]): string {
  return `This repository builds ${configured.map((p) => code(p)).join(', ')}; ${unknown.map((p) => code(p)).join(', ')} is not one of them, so nothing was rebuilt.`;
}

/** Sticky: a PR of untrusted code bumps Tailscale, but it is not built until a maintainer says so. */
export function renderApprovalWaiting(headSha: string, why: 'fork' | 'author'): string {
  const whose = why === 'fork' ? 'comes from a fork' : 'was opened by someone without write access to this repository';
  return (
    [
      MARKER,
      '## ⏳ bumpguard: waiting for a maintainer',
      `This pull request ${whose}, so its code is not built automatically. A maintainer can comment \`/rebuild\` to approve building head ${code(shortSha(headSha))}; \`/audit\` runs the feature-tag audit without building.`,
    ].join('\n\n') + '\n'
  );
}

/** Not sticky: a /rebuild or /accept written before the PR's current head arrived does not cover it. */
export function renderStaleCommand(command: string, headSha: string): string {
  return `${code(command)} was written before head ${code(shortSha(headSha))} arrived (or before bumpguard saw it), so it does not apply to that head and nothing was recorded. Review ${code(shortSha(headSha))} and comment ${code(command)} again to apply it.`;
}

export type Unchecked = 'not-a-bump' | 'not-triggered';

/** The passing gate of a PR bumpguard has nothing to say about: a title (< 140 chars) and the check's summary. */
export function renderUnchecked(why: Unchecked, headSha: string): { title: string; summary: string } {
  const at = code(shortSha(headSha));
  if (why === 'not-a-bump') {
    return {
      title: NOT_A_BUMP,
      summary: `This pull request does not change the Tailscale version at ${at}, so bumpguard passes it at once. A later push that bumps Tailscale is checked in full; a maintainer can comment \`/rebuild\` to measure it anyway.`,
    };
  }
  return {
    title: 'not checked: trigger settings leave this PR alone — nothing to check',
    summary: `\`trigger.headRef\` / \`trigger.authors\` in .bumpguard.yml do not match this pull request, so bumpguard passes ${at} unchecked. A maintainer can comment \`/rebuild\` to check it anyway.`,
  };
}

/**
 * Sticky, and only ever an edit: the PR's comment held a report (or a note) of an earlier head, and
 * at `headSha` it is not checked any more. Names that head, so the stale figures above it in the
 * PR's history are not mistaken for this one's.
 */
export function renderNoLongerChecked(why: Unchecked, headSha: string): string {
  const heading =
    why === 'not-a-bump'
      ? `## bumpguard: no Tailscale bump at ${code(shortSha(headSha))} — nothing is checked any more`
      : `## bumpguard: not checked from ${code(shortSha(headSha))} on — trigger settings leave this PR alone`;
  return (
    [
      MARKER,
      heading,
      `The report that was here was for an earlier head and no longer applies. ${renderUnchecked(why, headSha).summary}`,
    ].join('\n\n') + '\n'
  );
}

/** Sticky: the run failed for a reason outside the PR (forge, Docker, network). */
export function renderJobError(err: unknown, headSha: string): string {
  const detail =
    err instanceof ForgeError
      ? `${err.forge} ${err.op}${err.status ? ` (HTTP ${err.status})` : ''}`
      : err instanceof BumpguardError
        ? err.code
        : 'unexpected error';
  return (
    [
      MARKER,
      '## 🛑 bumpguard error: the check could not finish',
      `> ${escapeText(userMessageOf(err))}`,
      `Head ${code(shortSha(headSha))} was not judged; the gate stays closed. Comment \`/rebuild\` to try again. (${escapeText(detail)})`,
    ].join('\n\n') + '\n'
  );
}

/** Not sticky: a command failed before its PR was judged (e.g. the bot may not read permissions). */
export function renderCommandFailed(command: string, err: unknown): string {
  return `bumpguard could not run ${code(command)}: ${escapeText(userMessageOf(err))}`;
}

/** What a maintainer is told: our errors' own sentence, a generic one otherwise (details go to the log). */
export function userMessageOf(err: unknown): string {
  if (err instanceof BumpguardError) return err.userMessage;
  return 'bumpguard hit an unexpected internal error; the server log has the details.';
}
