// src/bot: webhook payloads into our own event type, slash commands, guards and the bot's short messages. Pure.
export { canRunCommands, matchesTrigger, parseCommand, resolvePlatforms } from './commands.ts';
export {
  renderApprovalWaiting,
  renderCommandFailed,
  renderHelp,
  renderJobError,
  renderNoLongerChecked,
  renderRefusal,
  renderStaleCommand,
  renderUnchecked,
  renderUnknownPlatforms,
  userMessageOf,
  type Unchecked,
} from './messages.ts';
export { normalizeGiteaEvent } from './normalize-gitea-event.ts';
export { normalizeGithubEvent } from './normalize-github-event.ts';
export type { BotEvent, BotJob, Ignored, SlashCommand } from './types.ts';
