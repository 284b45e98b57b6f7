// src/bot: webhook payloads → our own event type, slash commands, guards and the bot's short messages.
export type { AcceptKind, Actor, BotEvent, BotJob, Ignored, SlashCommand } from './types.ts';
export { normalizeGithubEvent } from './normalize-github-event.ts';
export { normalizeGiteaEvent } from './normalize-gitea-event.ts';
export { parseCommand } from './parse-command.ts';
export { canRunCommands, matchesTrigger, resolvePlatforms } from './guards.ts';
export { renderApprovalWaiting, renderCommandFailed, renderHelp, renderJobError, renderRefusal, renderStaleCommand, renderUnchecked, renderUnknownPlatforms, userMessageOf, type Unchecked } from './messages.ts';
