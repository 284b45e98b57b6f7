// Runs a PR's source edits on upstream files with the bot host's own tools. The sed script and
// the patch come from an unreviewed PR, so: GNU sed always gets --sandbox (its `e` command runs
// shell commands, `r` and `w` read and write files; the sandbox refuses all three), nothing runs
// through a shell, each run gets a fresh temporary directory as its cwd, a C locale, a minimal
// environment, a time limit and an output cap, and `git apply` only ever runs with --check.

import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { execa } from 'execa';
import type { ApplyCheck, EditRunner, SedRun } from '../core/index.ts';

export interface LocalEditRunnerOptions {
  /** Per run; default 2 s (a real edit takes milliseconds). */
  timeoutMs?: number;
  /** sed output cap in bytes; default 4× the input plus 1 MiB. */
  maxOutputBytes?: number;
  sedBinary?: string;
  gitBinary?: string;
  /** Where the per-run directories go; default the OS temp directory. */
  tempRoot?: string;
}

const SANDBOX_REFUSAL = /disabled in sandbox mode/;
const NO_SANDBOX = /unrecognized option|unknown option|invalid option/i;

export function localEditRunner(options: LocalEditRunnerOptions = {}): EditRunner {
  const timeout = options.timeoutMs ?? 2000;
  const sedBinary = options.sedBinary ?? 'sed';
  const gitBinary = options.gitBinary ?? 'git';
  // PATH only, so neither tool sees the bot's tokens; git reads no user or system config.
  const env = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    LC_ALL: 'C',
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_CONFIG_GLOBAL: '/dev/null',
    GIT_TERMINAL_PROMPT: '0',
  };
  const inTempDir = async <T>(fn: (dir: string) => Promise<T>): Promise<T> => {
    const dir = await mkdtemp(join(options.tempRoot ?? tmpdir(), 'bumpguard-edit-'));
    try {
      return await fn(dir);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  };
  return {
    describe: `${basename(sedBinary)} --sandbox and ${basename(gitBinary)} apply --check on the bot's host`,
    sed: (req) =>
      inTempDir(async (dir): Promise<SedRun> => {
        await writeFile(join(dir, 'input'), req.text);
        const scriptArgs = req.scriptText !== null ? ['-f', 'script.sed'] : req.scripts.flatMap((s) => ['-e', s]);
        if (req.scriptText !== null) await writeFile(join(dir, 'script.sed'), req.scriptText);
        const cap = options.maxOutputBytes ?? 4 * Buffer.byteLength(req.text) + 1024 * 1024;
        const r = await execa(sedBinary, ['--sandbox', ...req.flags, ...scriptArgs, '--', 'input'], {
          cwd: dir,
          env,
          extendEnv: false,
          stdin: 'ignore',
          reject: false,
          timeout,
          killSignal: 'SIGKILL',
          maxBuffer: cap,
          stripFinalNewline: false,
          encoding: 'utf8',
        });
        if (r.timedOut) return { status: 'limit', message: `sed ran longer than ${timeout / 1000} s` };
        if (r.isMaxBuffer) return { status: 'limit', message: `sed wrote more than ${cap} bytes` };
        if (r.exitCode === undefined)
          return {
            status: 'unavailable',
            message: `cannot run ${sedBinary} (${r.cause instanceof Error ? r.cause.message : 'not found'})`,
          };
        const stderr = firstLine(r.stderr);
        if (r.exitCode === 0) return { status: 'ok', output: r.stdout };
        if (SANDBOX_REFUSAL.test(r.stderr)) return { status: 'refused', message: stderr };
        if (NO_SANDBOX.test(r.stderr) && /sandbox/.test(r.stderr))
          return { status: 'unavailable', message: `${sedBinary} has no --sandbox (GNU sed 4.3 or later is needed): ${stderr}` };
        return { status: 'failed', message: stderr };
      }),
    applyCheck: (req) =>
      inTempDir(async (dir): Promise<ApplyCheck> => {
        const tree = join(dir, 'tree');
        await mkdir(tree);
        for (const [path, text] of req.files) {
          if (text === null) continue;
          await mkdir(dirname(join(tree, path)), { recursive: true });
          await writeFile(join(tree, path), text);
        }
        await writeFile(join(dir, 'change.patch'), req.patch);
        const args = ['apply', '--check', '--verbose', `-p${req.strip}`];
        if (req.directory !== '') args.push(`--directory=${req.directory}`);
        if (req.reverse) args.push('-R');
        // GNU patch applies with a fuzz factor of 2; -C1 lets git accept the same loose context.
        if (req.fuzzy) args.push('-C1');
        args.push(join(dir, 'change.patch'));
        const r = await execa(gitBinary, args, {
          // GIT_CEILING_DIRECTORIES: never treat an enclosing repository as the patch's target.
          cwd: tree,
          env: { ...env, GIT_CEILING_DIRECTORIES: dir, HOME: dir },
          extendEnv: false,
          stdin: 'ignore',
          reject: false,
          timeout,
          killSignal: 'SIGKILL',
          maxBuffer: 1024 * 1024,
        });
        if (r.timedOut) return { status: 'limit', message: `git apply ran longer than ${timeout / 1000} s` };
        if (r.exitCode === undefined)
          return {
            status: 'unavailable',
            message: `cannot run ${gitBinary} (${r.cause instanceof Error ? r.cause.message : 'not found'})`,
          };
        if (r.exitCode === 0) return { status: 'applies' };
        return {
          status: 'rejected',
          message:
            r.stderr
              .split('\n')
              .filter((l) => l.startsWith('error:'))
              .join('\n') || firstLine(r.stderr),
        };
      }),
  };
}

function firstLine(text: string): string {
  return (
    text
      .split('\n')
      .find((l) => l.trim() !== '')
      ?.trim() ?? ''
  );
}
