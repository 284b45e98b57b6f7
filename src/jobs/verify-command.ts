// Step 0 of a command's job: the comment as the forge's API has it. A webhook delivery is
// trusted only as far as its secret is kept, and an organisation-wide webhook shares that secret
// with every organisation admin: author and text come from the API, and the comment must belong
// to the PR the delivery names. A delivery that does not match is dropped without a trace on the PR.
import { parseCommand, type BotEvent } from '../bot/index.ts';
import type { Forge } from '../forges/index.ts';
import type { PrJobOutcome } from './triage-event.ts';

type CommandEvent = Extract<BotEvent, { type: 'command' }>;

export async function verifyCommand(event: CommandEvent, forge: Forge): Promise<CommandEvent | PrJobOutcome> {
  const comment = await forge.getComment(event.commentId);
  if (comment.pr !== event.pr) {
    return { status: 'ignored', reason: `comment ${event.commentId} belongs to ${comment.pr === null ? 'no pull request the forge names' : `#${comment.pr}`}, not #${event.pr}` };
  }
  if (comment.author.toLowerCase() === forge.botLogin.toLowerCase()) return { status: 'ignored', reason: 'comment by the bot itself' };
  const command = parseCommand(comment.body);
  if (command === null) return { status: 'ignored', reason: `comment ${event.commentId} holds no command according to the forge` };
  return { ...event, command, sender: { login: comment.author, isBot: false }, ...(comment.createdAt ? { commentedAt: comment.createdAt } : {}) };
}
