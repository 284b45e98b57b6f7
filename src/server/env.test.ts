import { test } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { ConfigError } from '../errors.ts';
import { readServerEnv } from './env.ts';

const pem = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs1', format: 'pem' }).toString();
const noFiles = (path: string): string => {
  throw new Error(`ENOENT: ${path}`);
};
const gitea = { GITEA_URL: 'https://git.example.org', GITEA_TOKEN: 't0ken', GITEA_WEBHOOK_SECRET: 'a-long-random-secret', GITEA_BOT_LOGIN: 'bumpguard' };

const issuesOf = (fn: () => unknown) => {
  try {
    fn();
  } catch (err) {
    if (err instanceof ConfigError) return err.issues.map((i) => i.path);
    throw err;
  }
  return [];
};

test('Gitea alone is a valid server configuration with defaults for the rest', () => {
  assert.deepEqual(readServerEnv(gitea, noFiles), {
    port: 3000,
    host: '0.0.0.0',
    db: '.bumpguard/bumpguard.db',
    logLevel: 'info',
    concurrency: 1,
    engineConcurrency: 1,
    engines: [],
    repoBuilders: 'warn',
    runtimeConcurrency: null,
    buildCache: null,
    shutdownGraceMs: 8000,
    upstream: 'github',
    cacheDir: '.bumpguard/cache',
    upstreamToken: null,
    github: null,
    gitea: { url: 'https://git.example.org', token: 't0ken', webhookSecret: 'a-long-random-secret', botLogin: 'bumpguard' },
    sandbox: { untrustedNetwork: 'none', limits: { memory: '512m', pids: 256, user: 'auto' } },
  });
});

test('the cage of untrusted builds and containers is the operator\'s to set, and wrong values are named', () => {
  const set = readServerEnv({ ...gitea, BUMPGUARD_UNTRUSTED_NETWORK: 'pull', BUMPGUARD_CONTAINER_MEMORY: '1G', BUMPGUARD_CONTAINER_PIDS: '64', BUMPGUARD_CONTAINER_USER: '1000:1000' }, noFiles);
  assert.deepEqual(set.sandbox, { untrustedNetwork: 'pull', limits: { memory: '1g', pids: 64, user: '1000:1000' } });
  assert.throws(
    () => readServerEnv({ ...gitea, BUMPGUARD_UNTRUSTED_NETWORK: 'yes', BUMPGUARD_CONTAINER_MEMORY: '1k', BUMPGUARD_CONTAINER_PIDS: '0', BUMPGUARD_CONTAINER_USER: 'root' }, noFiles),
    (err: unknown) =>
      err instanceof ConfigError &&
      err.issues.map((i) => i.path).sort().join() === 'BUMPGUARD_CONTAINER_MEMORY,BUMPGUARD_CONTAINER_PIDS,BUMPGUARD_CONTAINER_USER,BUMPGUARD_UNTRUSTED_NETWORK',
  );
});

test('the GitHub App key may come from PRIVATE_KEY_PATH, and \\n escapes in PRIVATE_KEY are undone', () => {
  const env = { APP_ID: '123', WEBHOOK_SECRET: 'another-long-secret', PRIVATE_KEY_PATH: '/run/secrets/app.pem', PORT: '8080' };
  const fromFile = readServerEnv(env, (p) => (p === '/run/secrets/app.pem' ? pem : noFiles(p)));
  assert.equal(fromFile.github?.privateKey, pem);
  assert.equal(fromFile.port, 8080);
  const escaped = readServerEnv({ APP_ID: '123', WEBHOOK_SECRET: 'another-long-secret', PRIVATE_KEY: pem.replace(/\n/g, '\\n') }, noFiles);
  assert.equal(escaped.github?.privateKey, pem);
});

test('a half-configured forge names each missing variable', () => {
  assert.deepEqual(issuesOf(() => readServerEnv({ GITEA_URL: 'https://git.example.org', GITEA_TOKEN: 't' }, noFiles)), ['GITEA_WEBHOOK_SECRET', 'GITEA_BOT_LOGIN']);
});

test('no forge at all, a short secret or a broken key are errors naming the variable', () => {
  assert.deepEqual(issuesOf(() => readServerEnv({}, noFiles)), ['(env)']);
  assert.deepEqual(issuesOf(() => readServerEnv({ ...gitea, GITEA_WEBHOOK_SECRET: 'short' }, noFiles)), ['GITEA_WEBHOOK_SECRET']);
  assert.deepEqual(issuesOf(() => readServerEnv({ APP_ID: '1', WEBHOOK_SECRET: 'another-long-secret', PRIVATE_KEY: 'not a key' }, noFiles)), ['PRIVATE_KEY']);
});

test('the error message never contains a secret value', () => {
  try {
    readServerEnv({ ...gitea, GITEA_WEBHOOK_SECRET: 'short', GITEA_URL: 'not a url' }, noFiles);
    assert.fail('expected a ConfigError');
  } catch (err) {
    assert.ok(err instanceof ConfigError);
    assert.doesNotMatch(err.userMessage, /t0ken|short/);
  }
});

test('every problem of the environment is reported at once, not one per start', () => {
  const env: NodeJS.ProcessEnv = {
    PORT: 'abc', LOG_LEVEL: 'loud' as NodeJS.ProcessEnv['LOG_LEVEL'], APP_ID: '12', WEBHOOK_SECRET: 'short', PRIVATE_KEY: 'not a key',
    GITEA_URL: 'not-a-url', GITEA_TOKEN: 't0ken',
  };
  assert.deepEqual(issuesOf(() => readServerEnv(env, noFiles)).sort(), [
    'GITEA_BOT_LOGIN', 'GITEA_URL', 'GITEA_WEBHOOK_SECRET', 'LOG_LEVEL', 'PORT', 'PRIVATE_KEY', 'WEBHOOK_SECRET',
  ]);
});

test('an unreadable PRIVATE_KEY_PATH is reported once, as that variable', () => {
  const env = { APP_ID: '12', WEBHOOK_SECRET: 'another-long-secret', PRIVATE_KEY_PATH: '/run/secrets/missing.pem' };
  assert.deepEqual(issuesOf(() => readServerEnv(env, noFiles)), ['PRIVATE_KEY_PATH']);
});

test('the operator\'s engines come from BUMPGUARD_ENGINES or a file, and each mistake is an issue at start', () => {
  const json = JSON.stringify([{ name: 'pi5', host: 'ssh://pi@pi5.lan', platforms: ['linux/arm64'], slots: 2 }]);
  assert.deepEqual(readServerEnv({ ...gitea, BUMPGUARD_ENGINES: json }, noFiles).engines.map((e) => [e.name, e.host, e.platforms, e.slots]), [
    ['pi5', 'ssh://pi@pi5.lan', ['linux/arm64'], 2],
  ]);
  const fromFile = readServerEnv({ ...gitea, BUMPGUARD_ENGINES_FILE: '/etc/bumpguard/engines.json' }, (p) => (p === '/etc/bumpguard/engines.json' ? json : noFiles(p)));
  assert.equal(fromFile.engines[0]?.name, 'pi5');
  assert.deepEqual(issuesOf(() => readServerEnv({ ...gitea, BUMPGUARD_ENGINES: '[{"name": "pi5"}]' }, noFiles)), ['BUMPGUARD_ENGINES.0']);
  assert.deepEqual(issuesOf(() => readServerEnv({ ...gitea, BUMPGUARD_ENGINES_FILE: '/missing.json' }, noFiles)), ['BUMPGUARD_ENGINES_FILE']);
  assert.deepEqual(issuesOf(() => readServerEnv({ ...gitea, BUMPGUARD_ENGINES: json, BUMPGUARD_ENGINES_FILE: '/x.json' }, noFiles)), ['BUMPGUARD_ENGINES_FILE']);
  assert.deepEqual(issuesOf(() => readServerEnv({ ...gitea, BUMPGUARD_REPO_BUILDERS: 'allow' }, noFiles)), ['BUMPGUARD_REPO_BUILDERS']);
});

test('build slots are per engine; the old BUMPGUARD_PLATFORM_CONCURRENCY still sets them', () => {
  assert.equal(readServerEnv({ ...gitea, BUMPGUARD_ENGINE_CONCURRENCY: '2' }, noFiles).engineConcurrency, 2);
  assert.equal(readServerEnv({ ...gitea, BUMPGUARD_PLATFORM_CONCURRENCY: '3' }, noFiles).engineConcurrency, 3);
});
