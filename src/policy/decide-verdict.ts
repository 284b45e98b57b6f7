// The merge gate, decided here and nowhere else, for `check`, `audit`,
// `measure` and the bot alike:
//   error    the check could not finish (invalid configuration, infrastructure): not the PR's fault
//   failure  any unacknowledged blocker, a missing baseline included (never a silent pass)
//   success  otherwise, warnings allowed; also at once when there is nothing to check
import type { Finding, Verdict } from '../model.ts';

/** The reason a change that does not move the Tailscale version passes, everywhere it is given. */
export const NOT_A_BUMP = 'not a Tailscale bump — nothing to check';

export interface VerdictDecision {
  verdict: Verdict;
  /** One sentence saying why. */
  reason: string;
}

export interface VerdictOptions {
  /** There is nothing to judge (not a Tailscale bump, or a PR the trigger settings leave alone): a pass, with this reason. */
  nothingToCheck?: string;
}

function andMore(list: Finding[], noun: string): string {
  return list.length > 1 ? ` (+${plural(list.length - 1, `more ${noun}`)})` : '';
}

function plural(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}

/** The verdict for findings whose overrides are already applied. */
export function decideVerdict(findings: Finding[], opts: VerdictOptions = {}): VerdictDecision {
  const open = findings.filter((f) => !f.acknowledged);
  const blockers = open.filter((f) => f.severity === 'blocker');
  const config = open.filter((f) => f.kind === 'config-invalid');
  if (config.length > 0) return { verdict: 'error', reason: `${config[0]!.message}${andMore(config, 'config problem')}` };
  const infra = open.filter((f) => f.kind === 'infra-error');
  if (infra.length > 0) {
    // Whatever else was found is listed in the report; the gate says the check itself is incomplete.
    const others = blockers.length - infra.length;
    const also = others > 0 ? `; ${plural(others, 'blocker')} found as well` : '';
    return { verdict: 'error', reason: `could not finish: ${infra[0]!.message}${andMore(infra, 'problem')}${also}` };
  }
  if (blockers.length > 0) {
    const lead = blockers.length === 1 ? '1 blocker:' : `${blockers.length} blockers, first:`;
    return { verdict: 'failure', reason: `${lead} ${blockers[0]!.message}` };
  }
  const warnings = open.filter((f) => f.severity === 'warning').length;
  if (opts.nothingToCheck !== undefined && findings.length === 0) return { verdict: 'success', reason: opts.nothingToCheck };
  const acked = findings.length - open.length;
  const parts = [warnings > 0 ? plural(warnings, 'warning') : 'no warnings'];
  if (acked > 0) parts.push(`${acked} accepted`);
  return { verdict: 'success', reason: `no blockers, ${parts.join(', ')}` };
}
