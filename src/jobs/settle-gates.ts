// A gate must never be left pending: a required check stuck on pending blocks the PR with no reason
// given, and nothing would ever finish it.
// When a PR's job ends and nothing else is queued for that PR, a gate of the PR still `pending`
// has no one left to finish it: a run superseded by a newer push, a run whose last write failed,
// a re-run that found the PR closed. Each is set to `error` with the reason, on its own commit
// only (never the newer head's gate, never the shared comment).
import type { Logger } from 'pino';
import { STATUS_CONTEXT, type Forge } from '../forges/index.ts';
import { shortSha } from '../policy/index.ts';
import { clip } from '../report/index.ts';

export interface StuckGate {
  pr: number;
  sha: string;
}

export interface SettleGatesInput {
  forge: Forge;
  gates: StuckGate[];
  /** The PR's latest known head; a gate on another commit was superseded. */
  latest: string | undefined;
  /** Why the last job ended without a verdict for the gate's commit (its outcome reason). */
  reason: string;
  /** Record the state written (the store's gate ledger). */
  note(gate: StuckGate, state: 'error'): void;
  log: Logger;
}

/** The title each stuck gate gets; the forge shows it next to the check name. */
export function settledTitle(gate: StuckGate, latest: string | undefined, reason: string): string {
  if (latest !== undefined && latest !== gate.sha) return `Not judged: superseded by ${shortSha(latest)}`;
  return clip(`Not judged: ${reason}`, 139);
}

/** Returns how many gates were settled; a failed write is logged (the next start retries it). */
export async function settleGates(i: SettleGatesInput): Promise<number> {
  let settled = 0;
  for (const gate of i.gates) {
    const title = settledTitle(gate, i.latest, i.reason);
    const summary = `${title}. bumpguard did not finish checking ${gate.sha}; comment \`/rebuild\` on the pull request to check its current head.`;
    try {
      await i.forge.setStatus({ sha: gate.sha, context: STATUS_CONTEXT, state: 'error', title, summary, pr: gate.pr });
      i.note(gate, 'error');
      settled++;
    } catch (err) {
      i.log.error({ err, sha: gate.sha, pr: gate.pr }, 'a gate left pending could not be settled; the next start tries again');
    }
  }
  return settled;
}
