// Every acknowledged item with who and why, and `/accept`s that no longer apply.
import type { Finding } from '../model.ts';
import { shortSha, type PolicyOutcome } from '../policy/index.ts';
import { clip, code, escapeText, formatTime } from './markdown.ts';

function plural(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}

function findingList(findings: Finding[]): string {
  return findings.map((f) => `  - ${escapeText(clip(f.message, 300))}`).join('\n');
}

/** The "Accepted" section, or '' when nothing was accepted and no override went stale. */
export function renderAccepted(outcome: PolicyOutcome): string {
  const lines: string[] = [];
  for (const { override: o, findings } of outcome.accepted) {
    const covers = findings.length > 0 ? `acknowledges ${plural(findings.length, 'blocker')}:` : 'matched no blocker in this run';
    lines.push(`- ${code(`/accept ${o.kind}`)} by @${escapeText(o.by)} on ${formatTime(o.at)} — “${escapeText(clip(o.reason, 300))}” — ${covers}`);
    if (findings.length > 0) lines.push(findingList(findings));
  }
  const byOverride = new Set(outcome.accepted.flatMap((a) => a.findings));
  const inConfig = outcome.findings.filter((f) => f.acknowledged && !byOverride.has(f));
  for (const f of inConfig) {
    const reason = f.acknowledgedReason ? ` — “${escapeText(clip(f.acknowledgedReason, 300))}”` : '';
    lines.push(`- acknowledged by ${escapeText(f.acknowledgedBy ?? '.bumpguard.yml')}${reason}: ${escapeText(clip(f.message, 300))}`);
  }
  for (const o of outcome.staleOverrides) {
    lines.push(`- ~~${code(`/accept ${o.kind}`)} by @${escapeText(o.by)}~~ was given for ${code(shortSha(o.headSha))}, an earlier push; a new push is judged afresh, so it does not apply — accept again if it still holds.`);
  }
  if (lines.length === 0) return '';
  return ['### Accepted', lines.join('\n')].join('\n\n');
}
