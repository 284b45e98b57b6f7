// src/server: the `bumpguard serve` entry: the webhook server for both forges, its environment and the bot wiring.
export { createBot, type Bot, type BotOptions } from './create-bot.ts';
export { createServer, type ServerOptions } from './create-server.ts';
export { createLogger, readServerEnv, serverHostPaths, type ServerEnv } from './env.ts';
