// Step 1 of a bot job: who asked for what. Commands need write access (else a polite refusal);
// /help and unknown commands are answered here; everything else becomes a RunPlan.
import type { Logger } from 'pino';
import { type BotEvent, canRunCommands, renderHelp, renderRefusal } from '../bot/index.ts';
import type { Forge } from '../forges/index.ts';
import type { Override } from '../model.ts';

export interface RunPlan {
  /** A maintainer asked (command, Re-run, Rebuild button): the bump, trigger and fork guards are skipped. */
  requested: boolean;
  by: string;
  /** Platform names as typed after /rebuild; [] = all. */
  platforms: string[];
  noCache: boolean;
  auditOnly: boolean;
  accept: Pick<Override, 'kind' | 'reason'> | null;
  /** A maintainer asked for a build: approves building the current head of untrusted code. */
  approves: boolean;
  /** When the command's comment was written (forge time); null when the request is no comment. */
  commentedAt: string | null;
}

export type PrJobStatus = 'ignored' | 'refused' | 'answered' | 'waiting-approval' | 'superseded' | 'done' | 'error';

export interface PrJobOutcome {
  status: PrJobStatus;
  /** One line for the log. */
  reason: string;
  verdict?: 'success' | 'failure' | 'neutral' | 'error';
}

const plan = (over: Partial<RunPlan> & Pick<RunPlan, 'by'>): RunPlan => ({
  requested: true,
  platforms: [],
  noCache: false,
  auditOnly: false,
  accept: null,
  approves: false,
  commentedAt: null,
  ...over,
});

export async function triageEvent(event: BotEvent, forge: Forge, log: Logger): Promise<RunPlan | PrJobOutcome> {
  if (event.type === 'pr-updated') return plan({ requested: false, by: event.sender.login });
  if (event.type === 'rerun') {
    if (!canRunCommands(await forge.permissionOf(event.sender.login))) {
      return { status: 'refused', reason: `${event.sender.login} may not re-run the check` };
    }
    return plan({ by: event.sender.login, noCache: event.source === 'rebuild-button', approves: true });
  }
  const { command, commentId, sender, pr } = event;
  await forge.react(commentId, 'eyes');
  if (command.name === 'help' || command.name === 'unknown') {
    // Help is harmless, so anyone gets it; running anything needs write access.
    await forge.reply(pr, renderHelp(command.name === 'unknown' ? command.problem : undefined));
    await forge.react(commentId, command.name === 'help' ? 'rocket' : 'confused');
    return { status: 'answered', reason: `${command.name} answered with the help text` };
  }
  if (!canRunCommands(await forge.permissionOf(sender.login))) {
    log.info({ login: sender.login, command: command.name }, 'command refused: no write access');
    await forge.reply(pr, renderRefusal(sender.login, `/${command.name}`));
    await forge.react(commentId, 'confused');
    return { status: 'refused', reason: `${sender.login} lacks write access for /${command.name}` };
  }
  const commentedAt = event.commentedAt ?? null;
  switch (command.name) {
    case 'rebuild':
      return plan({ by: sender.login, platforms: command.platforms, noCache: true, approves: true, commentedAt });
    case 'audit':
      return plan({ by: sender.login, auditOnly: true, commentedAt });
    case 'accept':
      return plan({ by: sender.login, accept: { kind: command.kind, reason: command.reason }, commentedAt });
  }
}
