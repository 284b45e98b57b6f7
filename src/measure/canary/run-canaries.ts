// Canaries: run against a running container, and each run judged against its `expect` block.

import type { Canary } from '../../config/index.ts';
import type { CanaryResult } from '../../core/index.ts';
import type { DockerClient, Owner } from '../../engine/index.ts';
import { containerLabels, DEFAULT_CONTAINER_LIMITS, execIn, limitFlags, type ContainerLimits } from '../runtime/container.ts';
import { parseDnsOutput, type DnsObservation } from './parse-dns.ts';

// Runs a repo's canaries against a running container: inside it (`docker exec`) or in a sidecar
// sharing its network namespace (`--network container:<id>`), each with its timeout. A string
// `run` is shell form (`sh -c`); a list is exec form, run as is, for images without a shell.

export interface RunCanariesOptions {
  /** The docker client of the engine the image runs on. */
  docker: DockerClient;
  containerId: string;
  /** The image under test: the default sidecar image. */
  imageId: string;
  platform: string;
  canaries: Canary[];
  signal?: AbortSignal | undefined;
  onLog?: ((line: string) => void) | undefined;
  /** Labels sidecar containers `bumpguard.run=<runId>`. */
  runId?: string | undefined;
  /** The process stamped on sidecar containers (default: this one). */
  owner?: Owner | undefined;
  /** A sidecar runs caged like the container it joins, as the same user. */
  limits?: ContainerLimits | undefined;
  user?: string | null | undefined;
}

/** Canaries that apply to a platform (`platforms` unset: all). */
export function canariesFor(canaries: Canary[], platform: string): Canary[] {
  return canaries.filter((c) => c.platforms === undefined || c.platforms.includes(platform));
}

export async function runCanaries(opts: RunCanariesOptions): Promise<CanaryResult[]> {
  const results: CanaryResult[] = [];
  for (const canary of canariesFor(opts.canaries, opts.platform)) {
    const [program, ...rest] = typeof canary.run === 'string' ? ['sh', '-c', canary.run] : canary.run;
    const args =
      canary.in === 'sidecar'
        ? [
            'run',
            '--rm',
            '--network',
            `container:${opts.containerId}`,
            '--platform',
            opts.platform,
            ...containerLabels(opts.runId ?? 'canary', opts.owner),
            ...limitFlags(opts.limits ?? DEFAULT_CONTAINER_LIMITS, opts.user ?? null),
            '--entrypoint',
            program!,
            canary.sidecarImage ?? opts.imageId,
            ...rest,
          ]
        : ['exec', opts.containerId, program!, ...rest];
    const run = await execIn(opts.docker, args, { timeoutMs: canary.timeoutSeconds * 1000, signal: opts.signal });
    const result = typeof canary.run === 'string' && lacksShell(run) ? needsShell(canary) : evaluateCanary(canary.name, canary.expect, run);
    opts.onLog?.(`canary ${canary.name} (${opts.platform}): ${result.ok ? 'ok' : 'FAILED'}: ${result.detail}`);
    results.push(result);
  }
  return results;
}

/**
 * The runtime's answer when `sh` is not in the image (runc: exec: "sh": executable file not found in $PATH; `docker exec` prints it on
 * stdout).
 */
function lacksShell(run: { exitCode: number | null; stdout: string; stderr: string }): boolean {
  return (
    (run.exitCode === 126 || run.exitCode === 127) &&
    /exec: "sh": (executable file not found|no such file or directory)/.test(`${run.stdout}\n${run.stderr}`)
  );
}

/** A shell-form canary in an image without a shell is a configuration mistake, not a failure of the image. */
function needsShell(canary: Canary): CanaryResult {
  const words = (canary.run as string).trim().split(/\s+/);
  const suggestion = JSON.stringify(words);
  const message = `\`run\` is a shell command, but the image has no /bin/sh; write it in exec form, e.g. run: ${suggestion}`;
  return { name: canary.name, ok: false, detail: message, configError: message };
}

/** Every applicable canary failed for the same reason (the container never became ready). */
export function canariesNotRun(canaries: Canary[], platform: string, reason: string): CanaryResult[] {
  return canariesFor(canaries, platform).map((c) =>
    evaluateCanary(c.name, c.expect, { exitCode: null, stdout: '', stderr: '', timedOut: false, durationMs: 0, error: reason }),
  );
}

// Checks one canary's observed run against its `expect` block (pure). Every assertion is
// evaluated; the detail names each failing one with the observed value, so a maintainer reads
// "status: expected NOERROR, got SERVFAIL" rather than "canary failed".
export interface CanaryRun {
  exitCode: number | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
  durationMs: number;
  /** Set when the command could not run at all (container gone, not ready). */
  error?: string;
}

interface Failure {
  assertion: string;
  observed: string;
}

type Expect = Canary['expect'];

export function evaluateCanary(name: string, expect: Expect, run: CanaryRun): CanaryResult {
  if (run.error !== undefined) return fail(name, [{ assertion: 'runs', observed: run.error }]);
  if (run.timedOut) return fail(name, [{ assertion: 'finishes in time', observed: `timed out after ${run.durationMs} ms` }]);
  const failures: Failure[] = [];
  if (expect.exitCode !== undefined && run.exitCode !== expect.exitCode) {
    failures.push({ assertion: `exit code ${expect.exitCode}`, observed: String(run.exitCode) });
  }
  matchRegex('stdout', expect.stdout, run.stdout, failures);
  matchRegex('stderr', expect.stderr, run.stderr, failures);
  const wantsDns =
    expect.status !== undefined || expect.minAnswers !== undefined || expect.flags !== undefined || expect.queryTimeMs !== undefined;
  const dns = wantsDns ? parseDnsOutput(`${run.stdout}\n${run.stderr}`) : null;
  if (wantsDns) checkDns(expect, dns, failures);
  if (failures.length > 0) return fail(name, failures);
  return { name, ok: true, detail: summary(run, dns) };
}

function fail(name: string, failures: Failure[]): CanaryResult {
  const first = failures[0]!;
  return {
    name,
    ok: false,
    detail: failures.map((f) => `${f.assertion}: got ${f.observed}`).join('; '),
    assertion: first.assertion,
    observed: first.observed,
  };
}

function matchRegex(stream: 'stdout' | 'stderr', pattern: string | undefined, text: string, failures: Failure[]): void {
  if (pattern === undefined) return;
  let re: RegExp;
  try {
    re = new RegExp(pattern, 'm');
  } catch (err) {
    if (!(err instanceof SyntaxError)) throw err;
    failures.push({ assertion: `${stream} matches /${pattern}/`, observed: `an invalid regex (${err.message})` });
    return;
  }
  if (!re.test(text)) {
    failures.push({ assertion: `${stream} matches /${pattern}/`, observed: excerpt(text) });
  }
}

function checkDns(expect: Expect, dns: DnsObservation | null, failures: Failure[]): void {
  if (dns === null) {
    failures.push({ assertion: 'DNS output (dig or nslookup)', observed: 'no DNS reply in the output' });
    return;
  }
  if (dns.status === null) {
    failures.push({ assertion: `status ${expect.status ?? 'any'}`, observed: dns.error ?? 'no reply' });
    return;
  }
  if (expect.status !== undefined && dns.status !== expect.status.toUpperCase()) {
    failures.push({ assertion: `status ${expect.status.toUpperCase()}`, observed: dns.status });
  }
  if (expect.minAnswers !== undefined && dns.answers.length < expect.minAnswers) {
    failures.push({ assertion: `at least ${expect.minAnswers} answer(s)`, observed: String(dns.answers.length) });
  }
  for (const flag of expect.flags ?? []) {
    if (dns.flags === null) failures.push({ assertion: `flag ${flag}`, observed: `${dns.tool} prints no header flags (use dig)` });
    else if (!dns.flags.includes(flag.toLowerCase()))
      failures.push({ assertion: `flag ${flag}`, observed: `flags ${dns.flags.join(' ') || '(none)'}` });
  }
  const qt = expect.queryTimeMs;
  if (qt !== undefined) {
    const want = [qt.gt !== undefined ? `> ${qt.gt}` : '', qt.lt !== undefined ? `< ${qt.lt}` : ''].filter(Boolean).join(' and ');
    if (dns.queryTimeMs === null)
      failures.push({ assertion: `query time ${want} ms`, observed: `${dns.tool} prints no query time (use dig)` });
    else if ((qt.gt !== undefined && !(dns.queryTimeMs > qt.gt)) || (qt.lt !== undefined && !(dns.queryTimeMs < qt.lt))) {
      failures.push({ assertion: `query time ${want} ms`, observed: `${dns.queryTimeMs} ms` });
    }
  }
}

function summary(run: CanaryRun, dns: DnsObservation | null): string {
  const parts = [`exit ${run.exitCode}`];
  if (dns?.status) {
    const answers = dns.answers.map((a) => a.data);
    parts.push(`${dns.status}, ${answers.length} answer(s)${answers.length ? ` (${answers.slice(0, 3).join(', ')})` : ''}`);
    if (dns.flags) parts.push(`flags ${dns.flags.join(' ')}`);
    if (dns.queryTimeMs !== null) parts.push(`query time ${dns.queryTimeMs} ms`);
  }
  return parts.join('; ');
}

function excerpt(text: string): string {
  const t = text.trim().replace(/\s+/g, ' ');
  if (t === '') return '(empty)';
  return JSON.stringify(t.length > 120 ? `${t.slice(0, 120)}…` : t);
}
