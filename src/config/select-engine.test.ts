import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BuildError } from '../errors.ts';
import { parseEngineDefinitions } from './engine-definitions.ts';
import { parseConfig } from './load-config.ts';
import { selectEngine } from './select-engine.ts';

const ENGINES = parseEngineDefinitions(JSON.stringify([
  { name: 'pi5', host: 'ssh://pi@pi5.lan', platforms: ['linux/arm64'] },
  { name: 'graviton', host: 'ssh://ubuntu@arm64.cloud.internal' },
  { name: 'bk', buildkit: 'tcp://arm64-builder:1234' },
]), 'BUMPGUARD_ENGINES');

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

test('a platform the operator assigned to an engine uses it; others stay on the bot\'s own engine', () => {
  assert.deepEqual(pick('', 'linux/arm64'), { name: 'pi5', builder: null, identity: 'ssh://pi@pi5.lan', deprecation: null });
  assert.deepEqual(pick('', 'linux/amd64'), { name: 'local', builder: null, identity: 'local', deprecation: null });
});

test('the repository picks among the operator\'s engines by name, "local" included', () => {
  assert.equal(pick('builders: { linux/arm64: { engine: graviton } }', 'linux/arm64').name, 'graviton');
  assert.equal(pick('builders: { linux/arm64: { engine: local } }', 'linux/arm64').name, 'local');
  assert.deepEqual(pick('builders: { linux/arm64: { engine: bk } }', 'linux/arm64'), {
    name: 'bk', builder: { kind: 'remote', endpoint: 'tcp://arm64-builder:1234' }, identity: 'buildkit tcp://arm64-builder:1234, run on local', deprecation: null,
  });
});

test('an engine name the operator did not define is a configuration error naming the ones there are', () => {
  assert.equal(codeOf(() => pick('builders: { linux/arm64: { engine: pi4 } }', 'linux/arm64')),
    'engine-unknown: builders.linux/arm64.engine: no engine named "pi4" is defined for this bot (it has: local, pi5, graviton, bk); its operator defines engines in BUMPGUARD_ENGINES.');
});

test('a repository can never name an address: engine with the old keys is refused by the schema', () => {
  assert.throws(() => parseConfig('builders: { linux/arm64: { engine: pi5, endpoint: "tcp://evil:1234" } }'), /engine replaces endpoint: give engine alone/);
});

test('the deprecated kind: remote keeps working for one release, with a warning that says what to write', () => {
  const old = 'builders: { linux/arm64: { kind: remote, endpoint: "tcp://other-builder:1234", native: true } }';
  const choice = pick(old, 'linux/arm64');
  assert.deepEqual(choice.builder, { kind: 'remote', endpoint: 'tcp://other-builder:1234' });
  assert.equal(choice.identity, 'buildkit tcp://other-builder:1234, run on local');
  assert.match(choice.deprecation ?? '', /^builders\.linux\/arm64: kind: remote with endpoint: tcp:\/\/other-builder:1234 in the repository's config is deprecated and stops working in the next release: .*BUMPGUARD_ENGINES \(e\.g\. \{"name": "…", "buildkit": "tcp:\/\/other-builder:1234", "platforms": \["linux\/arm64"\]\}\) and this repository picks it with engine: NAME\.$/);
});

test('an old key whose address the operator defined uses the operator\'s entry; refused old keys are a configuration error', () => {
  const same = pick('builders: { linux/arm64: { kind: remote, endpoint: "tcp://arm64-builder:1234" } }', 'linux/arm64');
  assert.equal(same.name, 'bk');
  assert.match(same.deprecation ?? '', /write engine: bk instead of kind: remote/);
  assert.match(codeOf(() => pick('builders: { linux/arm64: { kind: buildx, name: k8s } }', 'linux/arm64', 'refuse')),
    /^builder-refused: builders\.linux\/arm64: this bot does not build where a repository's config points \(kind: buildx, name: k8s\)/);
});

test('kind: local and native: are deprecated without changing where the platform runs', () => {
  const local = pick('builders: { linux/arm64: { kind: local } }', 'linux/arm64');
  assert.equal(local.name, 'local');
  assert.match(local.deprecation ?? '', /kind: local is the default now/);
  const native = pick('builders: { linux/arm64: { native: true } }', 'linux/arm64');
  assert.equal(native.name, 'pi5');
  assert.match(native.deprecation ?? '', /native is ignored/);
});
