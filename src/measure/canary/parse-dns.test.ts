import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { parseDig, parseDnsOutput, parseNslookup } from './parse-dns.ts';

const fixture = (name: string) => readFileSync(new URL(`./__fixtures__/dns/${name}`, import.meta.url), 'utf8');

describe('parseDig', () => {
  it('reads status, flags, answers and query time of a recursive answer (the MagicDNS canary)', () => {
    assert.deepStrictEqual(parseDig(fixture('dig-bind-noerror-ra.txt')), {
      tool: 'dig',
      status: 'NOERROR',
      flags: ['qr', 'rd', 'ra'],
      queryTimeMs: 23,
      error: null,
      answers: [{ name: 'google.com.', ttl: 168, type: 'A', data: '142.250.185.78' }],
    });
  });

  it('shows a local SERVFAIL as no ra flag and 0 ms (incident 1: exit-node DNS without peerapiserver)', () => {
    assert.deepStrictEqual(parseDig(fixture('dig-bind-servfail-local.txt')), {
      tool: 'dig',
      status: 'SERVFAIL',
      flags: ['qr', 'rd'],
      queryTimeMs: 0,
      error: null,
      answers: [],
    });
  });

  it('keeps every record of a CNAME chain in the answer section', () => {
    const obs = parseDig(fixture('dig-bind-cname.txt'));
    assert.deepStrictEqual(
      obs?.answers.map((a) => [a.type, a.data]),
      [
        ['CNAME', 'www.example.org-v2.edgesuite.net.'],
        ['CNAME', 'a1422.dscr.akamai.net.'],
        ['A', '23.215.0.136'],
      ],
    );
    assert.deepStrictEqual(obs?.flags, ['qr', 'rd', 'ra', 'ad']);
  });

  it('does not count authority records as answers (NXDOMAIN with an SOA)', () => {
    const obs = parseDig(fixture('dig-bind-nxdomain.txt'));
    assert.equal(obs?.status, 'NXDOMAIN');
    assert.deepStrictEqual(obs?.answers, []);
  });

  it('reports no reply with the reason when the server cannot be reached', () => {
    assert.deepStrictEqual(parseDig(fixture('dig-bind-timeout.txt')), {
      tool: 'dig',
      status: null,
      flags: null,
      answers: [],
      queryTimeMs: null,
      error: 'connection timed out; no servers could be reached',
    });
    assert.deepStrictEqual(
      parseDig(fixture('dig-routerd-refused.txt'))?.error,
      'communications error to 127.0.0.1#5399: connection refused',
    );
  });

  it("reads the example image's routerd dig output like BIND's", () => {
    assert.deepStrictEqual(parseDig(fixture('dig-routerd-noerror.txt')), {
      tool: 'dig',
      status: 'NOERROR',
      flags: ['qr', 'aa', 'rd', 'ra'],
      queryTimeMs: 2,
      error: null,
      answers: [{ name: 'router.tail1234.ts.net.', ttl: 300, type: 'A', data: '100.64.0.1' }],
    });
    assert.equal(parseDig(fixture('dig-routerd-servfail.txt'))?.status, 'SERVFAIL');
  });

  it('returns null for text that is not dig output', () => {
    assert.equal(parseDig(fixture('nslookup-busybox-authoritative.txt')), null);
    assert.equal(parseDig('sh: dig: not found\n'), null);
  });
});

describe('parseNslookup', () => {
  it('reads a busybox answer, ignoring the server Address line', () => {
    assert.deepStrictEqual(parseNslookup(fixture('nslookup-busybox-authoritative.txt')), {
      tool: 'nslookup',
      status: 'NOERROR',
      flags: null,
      queryTimeMs: null,
      error: null,
      answers: [{ name: 'router.lan', ttl: null, type: 'A', data: '192.168.88.1' }],
    });
  });

  it('reads busybox non-authoritative answers', () => {
    assert.deepStrictEqual(parseNslookup(fixture('nslookup-busybox-forwarded.txt'))?.answers, [
      { name: 'example.com', ttl: null, type: 'A', data: '192.0.2.10' },
    ]);
  });

  it('takes the rcode from busybox\'s "server can\'t find" lines', () => {
    assert.equal(parseNslookup(fixture('nslookup-busybox-servfail.txt'))?.status, 'SERVFAIL');
    assert.equal(parseNslookup(fixture('nslookup-busybox-nxdomain.txt'))?.status, 'NXDOMAIN');
  });

  it('reports an unreachable server as no reply', () => {
    assert.deepStrictEqual(parseNslookup(fixture('nslookup-busybox-refused.txt')), {
      tool: 'nslookup',
      status: null,
      flags: null,
      answers: [],
      queryTimeMs: null,
      error: 'connection timed out; no servers could be reached',
    });
  });

  it('reads BIND nslookup: A and AAAA answers, NXDOMAIN, and "No answer" as NOERROR without records', () => {
    assert.deepStrictEqual(
      parseNslookup(fixture('nslookup-bind-forwarded.txt'))?.answers.map((a) => `${a.type} ${a.data}`),
      ['A 142.250.185.78', 'AAAA 2a00:1450:4001:82b::200e'],
    );
    assert.equal(parseNslookup(fixture('nslookup-bind-nxdomain.txt'))?.status, 'NXDOMAIN');
    assert.deepStrictEqual(parseNslookup(fixture('nslookup-bind-nodata.txt')), {
      tool: 'nslookup',
      status: 'NOERROR',
      flags: null,
      answers: [],
      queryTimeMs: null,
      error: null,
    });
  });
});

describe('parseDnsOutput', () => {
  it('picks the parser by format and gives up on anything else', () => {
    assert.equal(parseDnsOutput(fixture('dig-bind-noerror-ra.txt'))?.tool, 'dig');
    assert.equal(parseDnsOutput(fixture('nslookup-bind-forwarded.txt'))?.tool, 'nslookup');
    assert.equal(parseDnsOutput('OCI runtime exec failed: exec: "sh": executable file not found in $PATH\n'), null);
  });
});
