// Title line (verdict + bump), counts and run facts, and the one-sentence reason.
import type { CheckResult, Verdict } from '../model.ts';
import { shortSha, type PolicyOutcome } from '../policy/index.ts';
import { clip, code, escapeText, formatDuration, formatTime } from './markdown.ts';

export const VERDICT_LABELS = {
  success: { emoji: '✅', word: 'passed' },
  failure: { emoji: '❌', word: 'failed' },
  neutral: { emoji: '⚪', word: 'not judged' },
  error: { emoji: '🛑', word: 'error' },
} as const satisfies Record<Verdict, { emoji: string; word: string }>;

export function plural(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}

/** "tailscale v1.98.5 → v1.98.8 (patch)" or a plain statement when no bump was found. */
export function bumpTitle(result: CheckResult): string {
  const b = result.bump;
  return b ? `tailscale ${b.from} → ${b.to} (${b.type})` : 'no Tailscale bump in this PR';
}

/** "1 blocker · 2 warnings · 1 accepted" (zero counts left out; "no findings" when all are zero). */
export function countsText(outcome: PolicyOutcome, bold = true): string {
  const c = outcome.counts;
  const parts: string[] = [];
  const b = (s: string) => (bold ? `**${s}**` : s);
  if (c.blockers) parts.push(b(plural(c.blockers, 'blocker')));
  if (c.warnings) parts.push(plural(c.warnings, 'warning'));
  if (c.infos) parts.push(`${c.infos} info`);
  if (c.acknowledged) parts.push(`${c.acknowledged} accepted`);
  return parts.length ? parts.join(' · ') : 'no findings';
}

export function renderHeader(result: CheckResult, outcome: PolicyOutcome): string {
  const v = VERDICT_LABELS[outcome.verdict];
  const builds = `${plural(result.builds.ran, 'build')} ran, ${result.builds.reused} reused`;
  const facts = [
    countsText(outcome),
    `head ${code(shortSha(result.headSha))} (${code(result.headRef)} → ${code(result.baseRef)})`,
    builds,
    `${formatDuration(result.durationMs)}, finished ${formatTime(result.finishedAt)}`,
  ];
  return [
    `## ${v.emoji} bumpguard ${v.word}: ${escapeText(bumpTitle(result))}`,
    facts.join(' · '),
    `> ${escapeText(clip(outcome.reason, 300))}`,
  ].join('\n\n');
}
