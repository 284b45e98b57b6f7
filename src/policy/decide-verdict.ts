// The merge gate (design.md § Verdict): failure on any unacknowledged blocker; neutral —
// stated, never a silent pass — when a side of the comparison is missing; success otherwise,
// warnings allowed. Invalid config is an error: nothing else in the run can be trusted.
import type { Finding, Verdict } from '../model.ts';

export interface VerdictDecision {
  verdict: Verdict;
  /** One sentence saying why. */
  reason: string;
}

function andMore(list: Finding[], noun: string): string {
  return list.length > 1 ? ` (+${plural(list.length - 1, `more ${noun}`)})` : '';
}

function plural(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}

/** The verdict for findings whose overrides are already applied. */
export function decideVerdict(findings: Finding[]): VerdictDecision {
  const open = findings.filter((f) => !f.acknowledged);
  const config = open.filter((f) => f.kind === 'config-invalid');
  if (config.length > 0) return { verdict: 'error', reason: `${config[0]!.message}${andMore(config, 'config problem')}` };
  const blockers = open.filter((f) => f.severity === 'blocker');
  if (blockers.length > 0) {
    const lead = blockers.length === 1 ? '1 blocker:' : `${blockers.length} blockers, first:`;
    return { verdict: 'failure', reason: `${lead} ${blockers[0]!.message}` };
  }
  const missing = open.filter((f) => f.kind === 'no-baseline');
  if (missing.length > 0) return { verdict: 'neutral', reason: `not judged: ${missing[0]!.message}${andMore(missing, 'platform')}` };
  const warnings = open.filter((f) => f.severity === 'warning').length;
  const acked = findings.length - open.length;
  const parts = [warnings > 0 ? plural(warnings, 'warning') : 'no warnings'];
  if (acked > 0) parts.push(`${acked} accepted`);
  return { verdict: 'success', reason: `no blockers, ${parts.join(', ')}` };
}
