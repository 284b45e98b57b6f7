// What a CLI command gets from the entry: arguments and streams, so tests run commands in-process.

import type { Writable } from 'node:stream';
import { BumpguardError, CancelledError, type Verdict } from '../core/index.ts';

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

/** A subcommand: returns the process exit code (see EXIT). */
export type Command = (io: CliIo) => Promise<number>;

// Exit codes are user API: 0 success (warnings allowed), 1 failure verdict / blockers,
// 2 usage, invalid config or infrastructure error, 130 interrupted.
export const EXIT = { ok: 0, failure: 1, error: 2, interrupted: 130 } as const;

export function exitCodeForVerdict(verdict: Verdict): number {
  const codes: Record<Verdict, number> = { success: EXIT.ok, neutral: EXIT.ok, failure: EXIT.failure, error: EXIT.error };
  return codes[verdict];
}

export function exitCodeForError(err: unknown): number {
  if (err instanceof CancelledError) return EXIT.interrupted;
  return EXIT.error;
}

/** One line for stderr: the user message of a known error, else the raw message. */
export function describeError(err: unknown): string {
  if (err instanceof BumpguardError) return err.userMessage;
  if (err instanceof Error) return `unexpected error: ${err.message}`;
  return `unexpected error: ${String(err)}`;
}
