import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { PassThrough } from 'node:stream';
import { test } from 'node:test';
import { ConfigError, ForgeError, redactHostPaths } from '../core/index.ts';
import { createLogger, readServerEnv, serverHostPaths } from './env.ts';

const pem = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs1', format: 'pem' }).toString();
const noFiles = (path: string): string => {
  throw new Error(`ENOENT: ${path}`);
};
const gitea = {
  GITEA_URL: 'https://git.example.org',
  GITEA_TOKEN: 't0ken',
  GITEA_WEBHOOK_SECRET: 'a-long-random-secret',
  GITEA_BOT_LOGIN: 'bumpguard',
};

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

test("the cage of untrusted builds and containers is the operator's to set, and wrong values are named", () => {
  const set = readServerEnv(
    {
      ...gitea,
      BUMPGUARD_UNTRUSTED_NETWORK: 'pull',
      BUMPGUARD_CONTAINER_MEMORY: '1G',
      BUMPGUARD_CONTAINER_PIDS: '64',
      BUMPGUARD_CONTAINER_USER: '1000:1000',
    },
    noFiles,
  );
  assert.deepEqual(set.sandbox, { untrustedNetwork: 'pull', limits: { memory: '1g', pids: 64, user: '1000:1000' } });
  assert.throws(
    () =>
      readServerEnv(
        {
          ...gitea,
          BUMPGUARD_UNTRUSTED_NETWORK: 'yes',
          BUMPGUARD_CONTAINER_MEMORY: '1k',
          BUMPGUARD_CONTAINER_PIDS: '0',
          BUMPGUARD_CONTAINER_USER: 'root',
        },
        noFiles,
      ),
    (err: unknown) =>
      err instanceof ConfigError &&
      err.issues
        .map((i) => i.path)
        .sort()
        .join() === 'BUMPGUARD_CONTAINER_MEMORY,BUMPGUARD_CONTAINER_PIDS,BUMPGUARD_CONTAINER_USER,BUMPGUARD_UNTRUSTED_NETWORK',
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
  assert.deepEqual(
    issuesOf(() => readServerEnv({ GITEA_URL: 'https://git.example.org', GITEA_TOKEN: 't' }, noFiles)),
    ['GITEA_WEBHOOK_SECRET', 'GITEA_BOT_LOGIN'],
  );
});

test('no forge at all, a short secret or a broken key are errors naming the variable', () => {
  assert.deepEqual(
    issuesOf(() => readServerEnv({}, noFiles)),
    ['(env)'],
  );
  assert.deepEqual(
    issuesOf(() => readServerEnv({ ...gitea, GITEA_WEBHOOK_SECRET: 'short' }, noFiles)),
    ['GITEA_WEBHOOK_SECRET'],
  );
  assert.deepEqual(
    issuesOf(() => readServerEnv({ APP_ID: '1', WEBHOOK_SECRET: 'another-long-secret', PRIVATE_KEY: 'not a key' }, noFiles)),
    ['PRIVATE_KEY'],
  );
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
    PORT: 'abc',
    LOG_LEVEL: 'loud' as NodeJS.ProcessEnv['LOG_LEVEL'],
    APP_ID: '12',
    WEBHOOK_SECRET: 'short',
    PRIVATE_KEY: 'not a key',
    GITEA_URL: 'not-a-url',
    GITEA_TOKEN: 't0ken',
  };
  assert.deepEqual(issuesOf(() => readServerEnv(env, noFiles)).sort(), [
    'GITEA_BOT_LOGIN',
    'GITEA_URL',
    'GITEA_WEBHOOK_SECRET',
    'LOG_LEVEL',
    'PORT',
    'PRIVATE_KEY',
    'WEBHOOK_SECRET',
  ]);
});

test('an unreadable PRIVATE_KEY_PATH is reported once, as that variable', () => {
  const env = { APP_ID: '12', WEBHOOK_SECRET: 'another-long-secret', PRIVATE_KEY_PATH: '/run/secrets/missing.pem' };
  assert.deepEqual(
    issuesOf(() => readServerEnv(env, noFiles)),
    ['PRIVATE_KEY_PATH'],
  );
});

test("the operator's engines come from BUMPGUARD_ENGINES or a file, and each mistake is an issue at start", () => {
  const json = JSON.stringify([{ name: 'pi5', host: 'ssh://pi@pi5.lan', platforms: ['linux/arm64'], slots: 2 }]);
  assert.deepEqual(
    readServerEnv({ ...gitea, BUMPGUARD_ENGINES: json }, noFiles).engines.map((e) => [e.name, e.host, e.platforms, e.slots]),
    [['pi5', 'ssh://pi@pi5.lan', ['linux/arm64'], 2]],
  );
  const fromFile = readServerEnv({ ...gitea, BUMPGUARD_ENGINES_FILE: '/etc/bumpguard/engines.json' }, (p) =>
    p === '/etc/bumpguard/engines.json' ? json : noFiles(p),
  );
  assert.equal(fromFile.engines[0]?.name, 'pi5');
  assert.deepEqual(
    issuesOf(() => readServerEnv({ ...gitea, BUMPGUARD_ENGINES: '[{"name": "pi5"}]' }, noFiles)),
    ['BUMPGUARD_ENGINES.0'],
  );
  assert.deepEqual(
    issuesOf(() => readServerEnv({ ...gitea, BUMPGUARD_ENGINES_FILE: '/missing.json' }, noFiles)),
    ['BUMPGUARD_ENGINES_FILE'],
  );
  assert.deepEqual(
    issuesOf(() => readServerEnv({ ...gitea, BUMPGUARD_ENGINES: json, BUMPGUARD_ENGINES_FILE: '/x.json' }, noFiles)),
    ['BUMPGUARD_ENGINES_FILE'],
  );
  assert.deepEqual(
    issuesOf(() => readServerEnv({ ...gitea, BUMPGUARD_REPO_BUILDERS: 'allow' }, noFiles)),
    ['BUMPGUARD_REPO_BUILDERS'],
  );
});

test("what a PR may not see: the bot's own files and its engines' addresses, each as a placeholder", () => {
  const engines = JSON.stringify([
    { name: 'pi5', host: 'ssh://pi@192.0.2.50:2222', platforms: ['linux/arm64'] },
    { name: 'armv7', buildkit: 'tcp://armv7-builder:1234', platforms: ['linux/arm/v7'] },
    {
      name: 'amd',
      host: 'tcp://builder.lan:2376',
      tls: { ca: '/etc/bumpguard/ca.pem', cert: '/etc/bumpguard/c.pem', key: '/etc/bumpguard/k.pem' },
    },
  ]);
  const env = readServerEnv(
    {
      ...gitea,
      BUMPGUARD_DB: '/data/bumpguard.db',
      BUMPGUARD_CACHE: 'cache',
      BUMPGUARD_UPSTREAM: '/srv/tailscale.git',
      BUMPGUARD_ENGINES: engines,
    },
    noFiles,
  );
  const paths = serverHostPaths(env, '/data');
  const said = [
    'sqlite /data/bumpguard.db is locked; read /data/cache/v1.98.8/feature/featuretags.go; git failed in /srv/tailscale.git',
    'ssh://pi@192.0.2.50:2222 refused; ssh pi@192.0.2.50 -p 2222; ping 192.0.2.50',
    'buildkitd at tcp://armv7-builder:1234 is down; tcp://builder.lan:2376 needs /etc/bumpguard/ca.pem and builder.lan answers',
  ].join('\n');
  assert.equal(
    redactHostPaths(said, paths),
    [
      'sqlite <database> is locked; read <cache>/v1.98.8/feature/featuretags.go; git failed in <upstream>',
      '<engine pi5> refused; ssh <engine pi5> -p 2222; ping <engine pi5>',
      'buildkitd at <engine armv7> is down; <engine amd> needs <engine amd> and <engine amd> answers',
    ].join('\n'),
  );
  // A report's own words stay: "/data" alone (one segment) and a one-label host name are not redacted.
  assert.equal(redactHostPaths('COPY rootfs /data/ and ssh to armv7-builder', paths), 'COPY rootfs /data/ and ssh to armv7-builder');
});

test('build slots are per engine; the old BUMPGUARD_PLATFORM_CONCURRENCY still sets them', () => {
  assert.equal(readServerEnv({ ...gitea, BUMPGUARD_ENGINE_CONCURRENCY: '2' }, noFiles).engineConcurrency, 2);
  assert.equal(readServerEnv({ ...gitea, BUMPGUARD_PLATFORM_CONCURRENCY: '3' }, noFiles).engineConcurrency, 3);
});

const SECRETS = {
  appToken: 'ghs_installationtoken0123456789',
  giteaToken: 'gitea-api-token-0123456789abcdef',
  key: '-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA\n-----END RSA PRIVATE KEY-----',
  hookSecret: 'webhook-secret-0123456789',
  signature: 'sha256=5c1f0f6ad1c1b39e53d7f6c05bfbd7b36c8a8d8d2b5e1c3bd9c7a0e0b6d2f1aa',
};

/** Everything `log` writes, as parsed lines and as the raw text. */
function capture() {
  const out = new PassThrough();
  let text = '';
  out.on('data', (c) => (text += c));
  const log = createLogger({ level: 'debug', destination: out });
  return {
    log,
    text: () => text,
    lines: () =>
      text
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as Record<string, any>),
  };
}

test('server settings logged as an object keep their non-secret fields and lose every secret', () => {
  const c = capture();
  c.log.info(
    {
      github: { appId: '12345', privateKey: SECRETS.key, webhookSecret: SECRETS.hookSecret },
      gitea: { url: 'https://git.example.org', token: SECRETS.giteaToken, webhookSecret: SECRETS.hookSecret, botLogin: 'bumpguard' },
    },
    'configured',
  );
  const [line] = c.lines();
  assert.deepEqual(line!.github, { appId: '12345', privateKey: '[redacted]', webhookSecret: '[redacted]' });
  assert.deepEqual(line!.gitea, {
    url: 'https://git.example.org',
    token: '[redacted]',
    webhookSecret: '[redacted]',
    botLogin: 'bumpguard',
  });
});

test('a webhook request logged with its headers keeps the delivery id but not the signatures or the authorization', () => {
  const c = capture();
  c.log.warn(
    {
      req: {
        method: 'POST',
        url: '/api/gitea/webhooks',
        headers: {
          'x-gitea-delivery': 'd-1',
          'x-hub-signature-256': SECRETS.signature,
          'x-gitea-signature': SECRETS.signature.slice(7),
          'x-gogs-signature': SECRETS.signature.slice(7),
          'x-hub-signature': 'sha1=0123456789abcdef',
          authorization: `token ${SECRETS.giteaToken}`,
        },
      },
    },
    'refused',
  );
  const [line] = c.lines();
  assert.deepEqual(line!.req.headers, {
    'x-gitea-delivery': 'd-1',
    'x-hub-signature-256': '[redacted]',
    'x-gitea-signature': '[redacted]',
    'x-gogs-signature': '[redacted]',
    'x-hub-signature': '[redacted]',
    authorization: '[redacted]',
  });
});

test('a failed API call logged as err, directly or as the cause of a ForgeError, does not leak the token it sent', () => {
  const c = capture();
  // The shape of an Octokit RequestError: the request it made, headers included.
  const requestError = () =>
    Object.assign(new Error('Bad credentials'), {
      status: 401,
      request: {
        method: 'GET',
        url: 'https://api.github.com/repos/o/r/pulls/2',
        headers: { authorization: `token ${SECRETS.appToken}`, accept: 'application/vnd.github+json' },
      },
    });
  c.log.error({ err: requestError() }, 'job failed');
  c.log.error(
    {
      err: new ForgeError(
        { forge: 'github', op: 'getPullRequest', code: 'unauthorized', status: 401, retryable: false, cause: requestError() },
        "GitHub refused the App's token.",
      ),
    },
    'job failed',
  );
  const [direct, wrapped] = c.lines();
  assert.equal(direct!.err.request.headers.authorization, '[redacted]');
  assert.equal(direct!.err.request.headers.accept, 'application/vnd.github+json');
  assert.equal(direct!.err.status, 401);
  // pino folds the cause into the message and the stack; what the cause carried stays out.
  assert.match(wrapped!.err.message, /GitHub refused the App's token\.: Bad credentials/);
  assert.equal(wrapped!.err.code, 'unauthorized');
  assert.ok(!c.text().includes(SECRETS.appToken));
});

test('no secret value appears anywhere in the log text', () => {
  const c = capture();
  c.log.info({ token: SECRETS.giteaToken, secret: SECRETS.hookSecret, privateKey: SECRETS.key }, 'top level');
  c.log.info({ a: { b: { token: SECRETS.appToken, privateKey: SECRETS.key, webhookSecret: SECRETS.hookSecret } } }, 'two levels down');
  c.log.info({ headers: { authorization: `Bearer ${SECRETS.appToken}` } }, 'headers');
  for (const value of Object.values(SECRETS))
    assert.ok(!c.text().includes(value.split('\n')[0]!), `${value.slice(0, 12)}… leaked: ${c.text()}`);
  assert.equal(c.lines().length, 3);
});
