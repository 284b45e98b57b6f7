// bumpguard CLI entry: dispatch to a subcommand; every command returns its exit code.
import os from 'node:os';
import packageJson from '../../package.json' with { type: 'json' };
import { describeError, EXIT, exitCodeForError } from './io.ts';
import type { CliIo, Command } from './io.ts';

const COMMANDS: Record<string, { summary: string; load: () => Promise<Command> }> = {
  check: {
    summary: 'build base and head for every platform, measure, run canaries, audit; print the report',
    load: async () => (await import('./commands/check.ts')).check,
  },
  audit: { summary: 'feature-tag audit of a Tailscale bump (no builds)', load: async () => (await import('./commands/audit.ts')).audit },
  measure: { summary: 'build and measure one commit', load: async () => (await import('./commands/measure.ts')).measure },
  featuretags: {
    summary: "print what upstream's `go run ./cmd/featuretags` prints at a tag",
    load: async () => (await import('./commands/featuretags.ts')).featuretags,
  },
  serve: { summary: 'run the webhook server for GitHub and Gitea', load: async () => (await import('./commands/serve.ts')).serve },
};

export const MAIN_HELP = `bumpguard — guards Tailscale version bumps of trimmed router images

Usage: bumpguard <command> [options]

Commands:
${Object.entries(COMMANDS)
  .map(([name, c]) => `  ${name.padEnd(12)} ${c.summary}`)
  .join('\n')}

Run "bumpguard <command> --help" for a command's options.
Exit codes: 0 success, 1 blockers / failure verdict, 2 usage, config or infrastructure error, 130 interrupted.
`;

export async function main(io: CliIo): Promise<number> {
  const [name, ...rest] = io.argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    io.stdout.write(MAIN_HELP);
    return name === undefined ? EXIT.error : EXIT.ok;
  }
  if (name === '--version') {
    io.stdout.write(`bumpguard ${packageJson.version}\n`);
    return EXIT.ok;
  }
  const entry = COMMANDS[name];
  if (!entry) {
    io.stderr.write(`bumpguard: unknown command "${name}"\n\n${MAIN_HELP}`);
    return EXIT.error;
  }
  try {
    const command = await entry.load();
    return await command({ ...io, argv: rest });
  } catch (err) {
    io.stderr.write(`bumpguard ${name}: ${describeError(err)}\n`);
    return exitCodeForError(err);
  }
}

/** Window in which a repeated stop signal is the same stop delivered twice. */
const TWIN_SIGNAL_MS = 1000;

/**
 * SIGINT, SIGTERM and SIGHUP stop the command gracefully (serve: the shutdown grace). One stop
 * often arrives twice: bin/bumpguard.js or npm forwards it while the terminal (Ctrl-C reaches the
 * whole process group) or systemd (it signals the whole cgroup) delivers it too. A repeat within a
 * second is that twin and ignored; a later one means "stop now".
 */
function onStopSignals(controller: AbortController): void {
  let firstAt = 0;
  const stop = (signal: NodeJS.Signals) => {
    if (!controller.signal.aborted) {
      firstAt = Date.now();
      controller.abort(new Error(signal === 'SIGINT' ? 'interrupted' : 'terminated'));
    } else if (Date.now() - firstAt > TWIN_SIGNAL_MS) {
      process.exit(signal === 'SIGINT' ? EXIT.interrupted : 128 + os.constants.signals[signal]);
    }
  };
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, stop);
}

/** Runs a command as this process: its argv, streams and environment; stop signals abort it. */
export async function runAsProcess(command: (io: CliIo) => Promise<number>): Promise<void> {
  const controller = new AbortController();
  onStopSignals(controller);
  process.exitCode = await command({
    argv: process.argv.slice(2),
    stdout: process.stdout,
    stderr: process.stderr,
    env: process.env,
    cwd: process.cwd(),
    isTTY: Boolean(process.stdout.isTTY) && !process.env.CI,
    signal: controller.signal,
  });
}

if (import.meta.main) await runAsProcess(main);
