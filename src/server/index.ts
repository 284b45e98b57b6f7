// src/server: the webhook entry (both forges), its environment and logger.
export { createBot, type Bot, type BotOptions } from './create-bot.ts';
export { createServer, type ServerOptions } from './create-server.ts';
export { createLogger, readServerEnv, type ServerEnv } from './env.ts';
