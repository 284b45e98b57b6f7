import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BuildError, ConfigError } from '../core/index.ts';
import { engineEndpoint, parseEngineDefinitions, selectEngine } from './engines.ts';
import { parseConfig } from './load-config.ts';

const issuesOf = (text: string): string[] => {
  try {
    parseEngineDefinitions(text, 'BUMPGUARD_ENGINES');
  } catch (err) {
    if (err instanceof ConfigError) return err.issues.map((i) => `${i.path}: ${i.message}`);
    throw err;
  }
  return [];
};

test("reads the operator's engines: a Pi over ssh for arm64, a TLS engine, a context and a BuildKit endpoint", () => {
  const engines = parseEngineDefinitions(
    JSON.stringify([
      { name: 'pi5', host: 'ssh://pi@pi5.lan', platforms: ['linux/arm64'] },
      {
        name: 'x86',
        host: 'tcp://x86.internal:2376',
        tls: { ca: '/certs/ca.pem', cert: '/certs/cert.pem', key: '/certs/key.pem' },
        slots: 2,
      },
      { name: 'armv7', context: 'rpi3', platforms: ['linux/arm/v7'] },
      { name: 'bk', buildkit: 'tcp://arm64-builder:1234' },
    ]),
    'BUMPGUARD_ENGINES',
  );
  assert.deepEqual(
    engines.map((e) => [e.name, engineEndpoint(e), e.platforms]),
    [
      ['pi5', 'ssh://pi@pi5.lan', ['linux/arm64']],
      ['x86', 'tcp://x86.internal:2376', []],
      ['armv7', 'context rpi3', ['linux/arm/v7']],
      ['bk', 'buildkit tcp://arm64-builder:1234', []],
    ],
  );
  assert.equal(engines[1]!.slots, 2);
});

test('no text or empty text is no engines; YAML is read too', () => {
  assert.deepEqual(parseEngineDefinitions(null, 'x'), []);
  assert.deepEqual(parseEngineDefinitions('  \n', 'x'), []);
  assert.deepEqual(
    parseEngineDefinitions('- { name: pi5, host: "ssh://pi@pi5.lan" }\n', 'engines.yml').map((e) => e.name),
    ['pi5'],
  );
});

test('each mistake is named with its entry: one endpoint, known schemes, TLS on tcp only, no second "local", real platforms, no unknown keys', () => {
  assert.deepEqual(
    issuesOf(
      JSON.stringify([
        { name: 'a', host: 'ssh://pi@a', context: 'c' },
        { name: 'b' },
        { name: 'c', host: 'http://c:2375' },
        { name: 'd', host: 'ssh://pi@d', tls: { ca: 'x', cert: 'y', key: 'z' } },
        { name: 'local', host: 'unix:///run/docker.sock' },
        { name: 'g', host: 'ssh://pi@g', platforms: ['arm64'], adress: 'typo' },
      ]),
    ),
    [
      'BUMPGUARD_ENGINES.0: needs exactly one of host, context, buildkit, buildx (has host and context)',
      'BUMPGUARD_ENGINES.1: needs exactly one of host, context, buildkit, buildx',
      'BUMPGUARD_ENGINES.2.host: must be a DOCKER_HOST value: unix:///path, tcp://host:port or ssh://user@host',
      'BUMPGUARD_ENGINES.3.tls: applies to a tcp:// host only (ssh:// and unix:// need no certificates)',
      'BUMPGUARD_ENGINES.4.name: "local" is the bot\'s own engine and cannot be redefined',
      'BUMPGUARD_ENGINES.5.platforms.0: is not a platform like linux/arm64 or linux/arm/v7',
      'BUMPGUARD_ENGINES.5: Unrecognized key: "adress"',
    ],
  );
});

test('duplicate names and a platform claimed twice are refused', () => {
  assert.deepEqual(
    issuesOf(
      JSON.stringify([
        { name: 'e', host: 'ssh://pi@e', platforms: ['linux/arm64'] },
        { name: 'e', host: 'ssh://pi@f' },
        { name: 'f', host: 'ssh://pi@g', platforms: ['linux/arm64'] },
      ]),
    ),
    [
      'BUMPGUARD_ENGINES.1.name: "e" is defined twice (also entry 0)',
      'BUMPGUARD_ENGINES.2.platforms: linux/arm64 is already served by "e": one engine per platform',
    ],
  );
});

test('text that is neither JSON nor YAML, or not a list, says so', () => {
  assert.match(issuesOf('[{"name": "pi5",')[0] ?? '', /^BUMPGUARD_ENGINES: /);
  assert.match(issuesOf('{"name": "pi5"}')[0] ?? '', /^BUMPGUARD_ENGINES: .*expected array/i);
});

const ENGINES = parseEngineDefinitions(
  JSON.stringify([
    { name: 'pi5', host: 'ssh://pi@pi5.lan', platforms: ['linux/arm64'] },
    { name: 'graviton', host: 'ssh://ubuntu@arm64.cloud.internal' },
    { name: 'bk', buildkit: 'tcp://arm64-builder:1234' },
  ]),
  'BUMPGUARD_ENGINES',
);

const pick = (yaml: string, platform: string, policy: 'warn' | 'refuse' = 'warn') => {
  const c = selectEngine(platform, parseConfig(yaml), ENGINES, policy);
  return { name: c.name, builder: c.builder, identity: c.identity, deprecation: c.deprecation };
};

const codeOf = (fn: () => unknown): string => {
  try {
    fn();
  } catch (err) {
    if (err instanceof BuildError) return `${err.code}: ${err.userMessage}`;
    throw err;
  }
  return 'no error';
};

test("a platform the operator assigned to an engine uses it; others stay on the bot's own engine", () => {
  assert.deepEqual(pick('', 'linux/arm64'), { name: 'pi5', builder: null, identity: 'ssh://pi@pi5.lan', deprecation: null });
  assert.deepEqual(pick('', 'linux/amd64'), { name: 'local', builder: null, identity: 'local', deprecation: null });
});

test('the repository picks among the operator\'s engines by name, "local" included', () => {
  assert.equal(pick('builders: { linux/arm64: { engine: graviton } }', 'linux/arm64').name, 'graviton');
  assert.equal(pick('builders: { linux/arm64: { engine: local } }', 'linux/arm64').name, 'local');
  assert.deepEqual(pick('builders: { linux/arm64: { engine: bk } }', 'linux/arm64'), {
    name: 'bk',
    builder: { kind: 'remote', endpoint: 'tcp://arm64-builder:1234' },
    identity: 'buildkit tcp://arm64-builder:1234, run on local',
    deprecation: null,
  });
});

test('an engine name the operator did not define is a configuration error naming the ones there are', () => {
  assert.equal(
    codeOf(() => pick('builders: { linux/arm64: { engine: pi4 } }', 'linux/arm64')),
    'engine-unknown: builders.linux/arm64.engine: no engine named "pi4" is defined for this bot (it has: local, pi5, graviton, bk); its operator defines engines in BUMPGUARD_ENGINES.',
  );
});

test('a repository can never name an address: engine with the old keys is refused by the schema', () => {
  assert.throws(
    () => parseConfig('builders: { linux/arm64: { engine: pi5, endpoint: "tcp://evil:1234" } }'),
    /engine replaces endpoint: give engine alone/,
  );
});

test('the deprecated kind: remote keeps working for one release, with a warning that says what to write', () => {
  const old = 'builders: { linux/arm64: { kind: remote, endpoint: "tcp://other-builder:1234", native: true } }';
  const choice = pick(old, 'linux/arm64');
  assert.deepEqual(choice.builder, { kind: 'remote', endpoint: 'tcp://other-builder:1234' });
  assert.equal(choice.identity, 'buildkit tcp://other-builder:1234, run on local');
  assert.match(
    choice.deprecation ?? '',
    /^builders\.linux\/arm64: kind: remote with endpoint: tcp:\/\/other-builder:1234 in the repository's config is deprecated and stops working in the next release: .*BUMPGUARD_ENGINES \(e\.g\. \{"name": "…", "buildkit": "tcp:\/\/other-builder:1234", "platforms": \["linux\/arm64"\]\}\) and this repository picks it with engine: NAME\.$/,
  );
});

test("an old key whose address the operator defined uses the operator's entry; refused old keys are a configuration error", () => {
  const same = pick('builders: { linux/arm64: { kind: remote, endpoint: "tcp://arm64-builder:1234" } }', 'linux/arm64');
  assert.equal(same.name, 'bk');
  assert.match(same.deprecation ?? '', /write engine: bk instead of kind: remote/);
  assert.match(
    codeOf(() => pick('builders: { linux/arm64: { kind: buildx, name: k8s } }', 'linux/arm64', 'refuse')),
    /^builder-refused: builders\.linux\/arm64: this bot does not build where a repository's config points \(kind: buildx, name: k8s\)/,
  );
});

test('kind: local and native: are deprecated without changing where the platform runs', () => {
  const local = pick('builders: { linux/arm64: { kind: local } }', 'linux/arm64');
  assert.equal(local.name, 'local');
  assert.match(local.deprecation ?? '', /kind: local is the default now/);
  const native = pick('builders: { linux/arm64: { native: true } }', 'linux/arm64');
  assert.equal(native.name, 'pi5');
  assert.match(native.deprecation ?? '', /native is ignored/);
});
