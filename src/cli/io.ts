// What a CLI command gets from the entry: arguments and streams, so tests run commands in-process.
import type { Writable } from 'node:stream';

export interface CliIo {
  argv: string[];
  stdout: Writable;
  stderr: Writable;
  env: NodeJS.ProcessEnv;
  cwd: string;
  /** True when stdout is an interactive terminal (progress may be drawn). */
  isTTY: boolean;
  signal: AbortSignal;
}

/** A subcommand: returns the process exit code (see exit-code.ts). */
export type Command = (io: CliIo) => Promise<number>;
