import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import type { Canary } from '../../config/index.ts';
import { evaluateCanary, type CanaryRun } from './run-canaries.ts';

const fixture = (name: string) => readFileSync(new URL(`./__fixtures__/dns/${name}`, import.meta.url), 'utf8');
const run = (stdout: string, over: Partial<CanaryRun> = {}): CanaryRun => ({
  exitCode: 0,
  stdout,
  stderr: '',
  timedOut: false,
  durationMs: 40,
  ...over,
});
const MAGICDNS: Canary['expect'] = { status: 'NOERROR', minAnswers: 1, flags: ['ra'], queryTimeMs: { gt: 0 } };

describe('evaluateCanary', () => {
  it("passes the maintainer's MagicDNS canary on a recursive answer and summarises it", () => {
    assert.deepStrictEqual(evaluateCanary('magicdns-forwarder', MAGICDNS, run(fixture('dig-bind-noerror-ra.txt'))), {
      name: 'magicdns-forwarder',
      ok: true,
      detail: 'exit 0; NOERROR, 1 answer(s) (142.250.185.78); flags qr rd ra; query time 23 ms',
    });
  });

  it('names every failed assertion with what was observed on a local SERVFAIL (incident 1)', () => {
    assert.deepStrictEqual(evaluateCanary('exit-node-dns', MAGICDNS, run(fixture('dig-bind-servfail-local.txt'))), {
      name: 'exit-node-dns',
      ok: false,
      detail: 'status NOERROR: got SERVFAIL; at least 1 answer(s): got 0; flag ra: got flags qr rd; query time > 0 ms: got 0 ms',
      assertion: 'status NOERROR',
      observed: 'SERVFAIL',
    });
  });

  it('fails on an unreachable server with the reason', () => {
    const r = evaluateCanary('dns', MAGICDNS, run(fixture('dig-bind-timeout.txt'), { exitCode: 9 }));
    assert.equal(r.ok, false);
    assert.equal(r.assertion, 'status NOERROR');
    assert.equal(r.observed, 'connection timed out; no servers could be reached');
  });

  it('passes a busybox nslookup canary on status and answers, and says nslookup cannot show flags', () => {
    const out = fixture('nslookup-busybox-authoritative.txt');
    assert.equal(evaluateCanary('lan', { exitCode: 0, status: 'NOERROR', minAnswers: 1 }, run(out)).ok, true);
    const r = evaluateCanary('lan', { flags: ['ra'] }, run(out));
    assert.deepStrictEqual([r.ok, r.assertion, r.observed], [false, 'flag ra', 'nslookup prints no header flags (use dig)']);
  });

  it('checks the exit code, stdout and stderr regexes', () => {
    const r = evaluateCanary(
      'http',
      { exitCode: 0, stdout: '^HTTP/1\\.[01] 200', stderr: 'connected' },
      run('HTTP/1.1 503 Service Unavailable\n', {
        exitCode: 1,
        stderr: '',
      }),
    );
    assert.deepStrictEqual(r, {
      name: 'http',
      ok: false,
      detail:
        'exit code 0: got 1; stdout matches /^HTTP/1\\.[01] 200/: got "HTTP/1.1 503 Service Unavailable"; stderr matches /connected/: got (empty)',
      assertion: 'exit code 0',
      observed: '1',
    });
  });

  it('reports an invalid regex as a failed assertion instead of throwing', () => {
    const r = evaluateCanary('bad', { stdout: '(' }, run('x'));
    assert.equal(r.ok, false);
    assert.match(r.observed ?? '', /^an invalid regex/);
  });

  it('fails a run that timed out or could not start, whatever it expects', () => {
    assert.deepStrictEqual(evaluateCanary('slow', { exitCode: 0 }, run('', { exitCode: null, timedOut: true, durationMs: 30_000 })), {
      name: 'slow',
      ok: false,
      detail: 'finishes in time: got timed out after 30000 ms',
      assertion: 'finishes in time',
      observed: 'timed out after 30000 ms',
    });
    const r = evaluateCanary('x', { exitCode: 0 }, run('', { error: 'the container exited with code 1 before it was ready' }));
    assert.deepStrictEqual([r.ok, r.assertion, r.observed], [false, 'runs', 'the container exited with code 1 before it was ready']);
  });

  it('fails DNS assertions on output that is not DNS at all', () => {
    const r = evaluateCanary('dns', { status: 'NOERROR' }, run('', { exitCode: 127, stderr: 'sh: dig: not found' }));
    assert.deepStrictEqual([r.ok, r.assertion, r.observed], [false, 'DNS output (dig or nslookup)', 'no DNS reply in the output']);
  });
});
