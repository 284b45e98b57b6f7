// Our own small event type: GitHub and Gitea payloads are converted into it once, at the edge
// (nothing past the normalisers reads a payload field). Plain data, so a job can be
// stored and resumed after a restart.
import type { ForgeKind, Override } from '../core/index.ts';

type AcceptKind = Override['kind'];

export type SlashCommand =
  | { name: 'rebuild'; platforms: string[] }
  | { name: 'audit' }
  | { name: 'accept'; kind: AcceptKind; reason: string }
  | { name: 'help' }
  /** A command we do not know, or one used wrongly: answered with the help text. */
  | { name: 'unknown'; text: string; problem: string };

export interface Actor {
  login: string;
  /** GitHub `sender.type === "Bot"`; Gitea has no such flag (own login is checked in the job). */
  isBot: boolean;
}

export type BotEvent =
  /** A PR was opened, pushed to or reopened. */
  | { type: 'pr-updated'; action: 'opened' | 'synchronize' | 'reopened'; pr: number; headSha: string; sender: Actor }
  /**
   * A slash command in a PR comment. Before it runs, command and sender are re-read from the
   * forge's API, which also gives `commentedAt` (the webhook's copy is not trusted).
   */
  | { type: 'command'; pr: number; commentId: number; command: SlashCommand; sender: Actor; commentedAt?: string }
  /** The check's "Re-run" (check_run / check_suite rerequested) or its "Rebuild" button. */
  | { type: 'rerun'; pr: number; headSha: string; sender: Actor; source: 'rerequested' | 'rebuild-button' };

export interface BotJob {
  forge: ForgeKind;
  /** GitHub App installation; null on Gitea. */
  installationId: number | null;
  /** "owner/name" */
  repo: string;
  deliveryId: string;
  event: BotEvent;
}

/** Why a delivery was not turned into a job (debug logs, 204 answers). */
export interface Ignored {
  ignored: string;
  /** An event we handle whose payload lacks what it must carry: answered 400, not 204. */
  malformed?: true;
}
