// A report written while the check still runs: the header says so and counts the builds, and
// each platform not settled yet shows where it is (`queued`, `building…`, `measuring…`) instead
// of figures. The status line reads "audit: 2 blockers · builds 3/6".
import type { CheckProgress, CheckResult, Finding, SideStage } from '../model.ts';
import { shortSha, type PolicyOutcome } from '../policy/index.ts';
import { clip, code, escapeText, formatDuration } from './markdown.ts';
import { bumpTitle, plural } from './render-header.ts';
import { SUMMARY_MAX } from './render-summary.ts';

const STAGE_WORDS: Record<Exclude<SideStage, 'done'>, string> = { queued: 'queued', building: 'building…', measuring: 'measuring…' };

/** Both sides of the platform are settled (or the check is not in progress): the only platforms policy may judge mid-check. */
export function isSettled(progress: CheckProgress | undefined, platform: string): boolean {
  const s = progress?.stages[platform];
  return s === undefined || (s.base === 'done' && s.head === 'done');
}

/** What a platform's cells say while it is not settled, or null once both sides are. */
export function pendingCell(progress: CheckProgress | undefined, platform: string): string | null {
  const s = progress?.stages[platform];
  if (!s || isSettled(progress, platform)) return null;
  // The side at work says it: a base building while its head waits reads "building…".
  const open = [s.base, s.head].filter((x): x is Exclude<SideStage, 'done'> => x !== 'done');
  const order: Exclude<SideStage, 'done'>[] = ['building', 'measuring', 'queued'];
  return STAGE_WORDS[order.find((o) => open.includes(o))!];
}

/** Sides settled (measured, reused or failed) and all sides. */
export function buildCounts(progress: CheckProgress): { done: number; total: number } {
  const all = Object.values(progress.stages).flatMap((s) => [s.base, s.head]);
  return { done: all.filter((s) => s === 'done').length, total: all.length };
}

/** "2 blockers", "1 warning", "no findings": unacknowledged findings only, most severe first. */
function tally(findings: Finding[]): string {
  const open = findings.filter((f) => !f.acknowledged);
  const blockers = open.filter((f) => f.severity === 'blocker').length;
  const warnings = open.filter((f) => f.severity === 'warning').length;
  const parts = [blockers && plural(blockers, 'blocker'), warnings && plural(warnings, 'warning')].filter(Boolean);
  return parts.length ? parts.join(', ') : 'no findings';
}

/** Findings of the audit (no platform) and those the settled platforms added so far. */
function split(outcome: PolicyOutcome): { audit: Finding[]; measured: Finding[] } {
  return { audit: outcome.findings.filter((f) => f.platform === undefined), measured: outcome.findings.filter((f) => f.platform !== undefined) };
}

/** "audit: 2 blockers · builds 3/6 · measured so far: 1 blocker" (Gitea status description, GitHub check title). */
export function renderProgressSummary(outcome: PolicyOutcome, progress: CheckProgress, maxChars = SUMMARY_MAX): string {
  const { done, total } = buildCounts(progress);
  const { audit, measured } = split(outcome);
  const so = tally(measured);
  return clip(`audit: ${tally(audit)} · builds ${done}/${total}${so === 'no findings' ? '' : ` · measured so far: ${so}`}`, maxChars);
}

/** The header of a report written before the verdict. */
export function renderProgressHeader(result: CheckResult, outcome: PolicyOutcome, progress: CheckProgress): string {
  const { done, total } = buildCounts(progress);
  const { audit } = split(outcome);
  const blockers = audit.filter((f) => f.severity === 'blocker' && !f.acknowledged).length;
  const facts = [
    `audit: ${blockers ? `**${tally(audit)}**` : tally(audit)}`,
    `builds ${done}/${total}`,
    `head ${code(shortSha(result.headSha))} (${code(result.headRef)} → ${code(result.baseRef)})`,
    `running for ${formatDuration(result.durationMs)}`,
  ];
  const reason = blockers
    ? `The audit found ${plural(blockers, 'blocker')}: this change cannot pass unless ${blockers === 1 ? 'it is' : 'they are'} fixed or accepted, whatever the builds show. Sizes, RAM and canaries follow as each platform finishes.`
    : 'Sizes, RAM and canaries follow as each platform finishes; the verdict comes with the last one.';
  return [`## ⏳ bumpguard checking: ${escapeText(bumpTitle(result))}`, facts.join(' · '), `> ${escapeText(clip(reason, 300))}`].join('\n\n');
}
