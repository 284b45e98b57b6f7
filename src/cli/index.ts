// src/cli: the `bumpguard` command line (main.ts is the executable entry).
export { serveWith } from './commands/serve.ts';
export { main, runAsProcess } from './main.ts';
