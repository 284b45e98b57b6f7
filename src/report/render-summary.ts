// One line for a Gitea commit-status description (< 140 chars) or a GitHub check-run title.
import { formatBytes, METRIC_LABELS, type PolicyOutcome } from '../policy/index.ts';
import { clip } from './markdown.ts';
import { countsText, VERDICT_LABELS } from './render-header.ts';
import { deltaText } from './render-size-table.ts';

/** Gitea truncates longer status descriptions; GitHub titles read best short too. */
export const SUMMARY_MAX = 139;

function largestGrowth(outcome: PolicyOutcome): string {
  const growth = outcome.comparisons
    .filter((c) => c.metric === 'image' && c.deltaBytes !== null)
    .sort((a, b) => b.deltaBytes! - a.deltaBytes!)[0];
  if (!growth) return '';
  return `largest ${METRIC_LABELS.image} Δ: ${growth.platform} ${deltaText(growth).replace(/^\S+ /, '')} → ${formatBytes(growth.head)}`;
}

function lead(outcome: PolicyOutcome): string {
  const open = outcome.findings.filter((f) => !f.acknowledged);
  switch (outcome.verdict) {
    case 'failure':
      return open.find((f) => f.severity === 'blocker')?.message ?? outcome.reason;
    case 'neutral':
      return open.find((f) => f.kind === 'no-baseline')?.message ?? outcome.reason;
    case 'error':
      return outcome.reason;
    case 'success':
      return largestGrowth(outcome);
  }
}

/** "failed: 2 blockers · 1 warning — linux/arm64 compressed image grew +298.5 KiB (+8.2%), over …" */
export function renderSummary(outcome: PolicyOutcome, maxChars = SUMMARY_MAX): string {
  const head = `${VERDICT_LABELS[outcome.verdict].word}: ${countsText(outcome, false)}`;
  const tail = lead(outcome);
  return clip(tail ? `${head} — ${tail}` : head, maxChars);
}
