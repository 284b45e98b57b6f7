// src/cli: TODO
export { serveWith } from './commands/serve.ts';
export { main, runAsProcess } from './main.ts';
