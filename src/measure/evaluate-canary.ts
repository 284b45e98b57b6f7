// Checks one canary's observed run against its `expect` block (pure). Every assertion is
// evaluated; the detail names each failing one with the observed value, so a maintainer reads
// "status: expected NOERROR, got SERVFAIL" rather than "canary failed".
import type { Canary } from '../config/index.ts';
import type { CanaryResult } from '../model.ts';
import { parseDnsOutput } from './parse-dns-output.ts';
import type { DnsObservation } from './parse-dig.ts';

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
  const wantsDns = expect.status !== undefined || expect.minAnswers !== undefined || expect.flags !== undefined || expect.queryTimeMs !== undefined;
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
    else if (!dns.flags.includes(flag.toLowerCase())) failures.push({ assertion: `flag ${flag}`, observed: `flags ${dns.flags.join(' ') || '(none)'}` });
  }
  const qt = expect.queryTimeMs;
  if (qt !== undefined) {
    const want = [qt.gt !== undefined ? `> ${qt.gt}` : '', qt.lt !== undefined ? `< ${qt.lt}` : ''].filter(Boolean).join(' and ');
    if (dns.queryTimeMs === null) failures.push({ assertion: `query time ${want} ms`, observed: `${dns.tool} prints no query time (use dig)` });
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
