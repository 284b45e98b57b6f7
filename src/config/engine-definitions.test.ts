import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigError } from '../errors.ts';
import { engineEndpoint, parseEngineDefinitions } from './engine-definitions.ts';

const issuesOf = (text: string): string[] => {
  try {
    parseEngineDefinitions(text, 'BUMPGUARD_ENGINES');
  } catch (err) {
    if (err instanceof ConfigError) return err.issues.map((i) => `${i.path}: ${i.message}`);
    throw err;
  }
  return [];
};

test('reads the operator\'s engines: a Pi over ssh for arm64, a TLS engine, a context and a BuildKit endpoint', () => {
  const engines = parseEngineDefinitions(JSON.stringify([
    { name: 'pi5', host: 'ssh://pi@pi5.lan', platforms: ['linux/arm64'] },
    { name: 'x86', host: 'tcp://x86.internal:2376', tls: { ca: '/certs/ca.pem', cert: '/certs/cert.pem', key: '/certs/key.pem' }, slots: 2 },
    { name: 'armv7', context: 'rpi3', platforms: ['linux/arm/v7'] },
    { name: 'bk', buildkit: 'tcp://arm64-builder:1234' },
  ]), 'BUMPGUARD_ENGINES');
  assert.deepEqual(engines.map((e) => [e.name, engineEndpoint(e), e.platforms]), [
    ['pi5', 'ssh://pi@pi5.lan', ['linux/arm64']],
    ['x86', 'tcp://x86.internal:2376', []],
    ['armv7', 'context rpi3', ['linux/arm/v7']],
    ['bk', 'buildkit tcp://arm64-builder:1234', []],
  ]);
  assert.equal(engines[1]!.slots, 2);
});

test('no text or empty text is no engines; YAML is read too', () => {
  assert.deepEqual(parseEngineDefinitions(null, 'x'), []);
  assert.deepEqual(parseEngineDefinitions('  \n', 'x'), []);
  assert.deepEqual(parseEngineDefinitions('- { name: pi5, host: "ssh://pi@pi5.lan" }\n', 'engines.yml').map((e) => e.name), ['pi5']);
});

test('each mistake is named with its entry: one endpoint, known schemes, TLS on tcp only, no second "local", real platforms, no unknown keys', () => {
  assert.deepEqual(issuesOf(JSON.stringify([
    { name: 'a', host: 'ssh://pi@a', context: 'c' },
    { name: 'b' },
    { name: 'c', host: 'http://c:2375' },
    { name: 'd', host: 'ssh://pi@d', tls: { ca: 'x', cert: 'y', key: 'z' } },
    { name: 'local', host: 'unix:///run/docker.sock' },
    { name: 'g', host: 'ssh://pi@g', platforms: ['arm64'], adress: 'typo' },
  ])), [
    'BUMPGUARD_ENGINES.0: needs exactly one of host, context, buildkit, buildx (has host and context)',
    'BUMPGUARD_ENGINES.1: needs exactly one of host, context, buildkit, buildx',
    'BUMPGUARD_ENGINES.2.host: must be a DOCKER_HOST value: unix:///path, tcp://host:port or ssh://user@host',
    'BUMPGUARD_ENGINES.3.tls: applies to a tcp:// host only (ssh:// and unix:// need no certificates)',
    'BUMPGUARD_ENGINES.4.name: "local" is the bot\'s own engine and cannot be redefined',
    'BUMPGUARD_ENGINES.5.platforms.0: is not a platform like linux/arm64 or linux/arm/v7',
    'BUMPGUARD_ENGINES.5: Unrecognized key: "adress"',
  ]);
});

test('duplicate names and a platform claimed twice are refused', () => {
  assert.deepEqual(issuesOf(JSON.stringify([
    { name: 'e', host: 'ssh://pi@e', platforms: ['linux/arm64'] },
    { name: 'e', host: 'ssh://pi@f' },
    { name: 'f', host: 'ssh://pi@g', platforms: ['linux/arm64'] },
  ])), [
    'BUMPGUARD_ENGINES.1.name: "e" is defined twice (also entry 0)',
    'BUMPGUARD_ENGINES.2.platforms: linux/arm64 is already served by "e": one engine per platform',
  ]);
});

test('text that is neither JSON nor YAML, or not a list, says so', () => {
  assert.match(issuesOf('[{"name": "pi5",')[0] ?? '', /^BUMPGUARD_ENGINES: /);
  assert.match(issuesOf('{"name": "pi5"}')[0] ?? '', /^BUMPGUARD_ENGINES: .*expected array/i);
});
