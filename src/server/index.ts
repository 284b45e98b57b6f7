// src/server: the webhook entry (both forges), its environment and logger.
export { createServer, type BumpguardServer, type ServerOptions } from './create-server.ts';
export { createBot, type Bot, type BotOptions } from './create-bot.ts';
export { readServerEnv, type ServerEnv } from './env.ts';
export { createLogger, REDACT_PATHS } from './create-logger.ts';
export { verifySignature, hexFromHubSignature } from './verify-signature.ts';
