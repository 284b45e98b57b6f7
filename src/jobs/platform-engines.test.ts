import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseConfig, parseEngineDefinitions } from '../config/index.ts';
import { localDockerClient } from '../docker-client.ts';
import { BuildError } from '../errors.ts';
import { fakeEngineProbe } from '../../test/helpers/fake-engines.ts';
import { CheckEngines, platformResult } from './platform-engines.ts';

const never = new AbortController().signal;
const definitions = parseEngineDefinitions(JSON.stringify([{ name: 'pi5', host: 'ssh://pi@pi5.lan', platforms: ['linux/arm64'] }]), 'BUMPGUARD_ENGINES');
const config = parseConfig('platforms: [linux/amd64, linux/arm64, linux/arm/v7]');

function engines(answers: Record<string, string | Error>) {
  const { asked, probe } = fakeEngineProbe({ local: 'linux/amd64', ...answers });
  return { asked, check: new CheckEngines(config, { definitions, repoBuilders: 'warn' }, { docker: '/usr/bin/docker', env: {}, probe }) };
}

test('each engine is asked once per check, however many platforms use it, and only when one needs it', async () => {
  const { asked, check } = engines({ local: 'linux/amd64', pi5: 'linux/arm64' });
  const [amd64, arm64, armv7] = config.platforms.map((p) => check.for(p));
  assert.deepEqual(arm64!.client, { engine: 'pi5', file: '/usr/bin/docker', args: ['--host', 'ssh://pi@pi5.lan'], env: { DOCKER_TLS_VERIFY: '', DOCKER_TLS: '', DOCKER_CERT_PATH: '' } });
  assert.deepEqual(amd64!.client, localDockerClient('/usr/bin/docker'));
  assert.equal(arm64!.info(), null, 'not asked yet');
  await Promise.all([amd64!.ready(never), armv7!.ready(never), amd64!.ready(never)]);
  assert.deepEqual(asked, ['local']);
  await arm64!.ready(never);
  assert.deepEqual(asked, ['local', 'pi5']);
  assert.equal(arm64!.info()?.hostPlatform, 'linux/arm64');
});

test('an engine that does not answer fails every platform on it, and it alone', async () => {
  const down = new BuildError('engine-unreachable', 'engine pi5 unreachable: ssh: connect to host pi5.lan port 22: Connection refused');
  const { check } = engines({ local: 'linux/amd64', pi5: down });
  await assert.rejects(check.for('linux/arm64').ready(never), (err) => err === down);
  await assert.rejects(check.for('linux/arm64').ready(never), (err) => err === down);
  assert.equal((await check.for('linux/amd64').ready(never)).hostPlatform, 'linux/amd64');
  assert.equal(check.for('linux/arm64').info(), null);
});

test('figures are native on an engine of the platform\'s CPU, emulated elsewhere, and stored sides say where they ran', async () => {
  const { check } = engines({ local: 'linux/amd64', pi5: 'linux/arm64' });
  const arm64 = check.for('linux/arm64');
  await arm64.ready(never);
  assert.deepEqual(pick(platformResult('linux/arm64', arm64, { base: null, head: null })), { emulated: false, engine: { name: 'pi5', platform: 'linux/arm64' } });
  const armv7 = check.for('linux/arm/v7');
  await armv7.ready(never);
  assert.deepEqual(pick(platformResult('linux/arm/v7', armv7, { base: null, head: null })), { emulated: true, engine: { name: 'local', platform: 'linux/amd64' } });
  // Both sides from the store: no engine was asked, the stored label says where they were measured.
  const stored = { commit: 'c', version: null, cached: true, analysis: null, ram: null, canaries: [], engine: { name: 'pi5', platform: 'linux/arm64' } };
  const fresh = engines({}).check.for('linux/arm64');
  assert.deepEqual(pick(platformResult('linux/arm64', fresh, { base: stored, head: stored })), { emulated: false, engine: { name: 'pi5', platform: 'linux/arm64' } });
});

const pick = (p: { emulated: boolean; engine?: unknown }) => ({ emulated: p.emulated, engine: p.engine });
