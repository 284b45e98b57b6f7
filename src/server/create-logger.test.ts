import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { ForgeError } from '../errors.ts';
import { createLogger } from './create-logger.ts';

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
  return { log, text: () => text, lines: () => text.trim().split('\n').map((l) => JSON.parse(l) as Record<string, any>) };
}

test('server settings logged as an object keep their non-secret fields and lose every secret', () => {
  const c = capture();
  c.log.info({
    github: { appId: '12345', privateKey: SECRETS.key, webhookSecret: SECRETS.hookSecret },
    gitea: { url: 'https://git.example.org', token: SECRETS.giteaToken, webhookSecret: SECRETS.hookSecret, botLogin: 'bumpguard' },
  }, 'configured');
  const [line] = c.lines();
  assert.deepEqual(line!.github, { appId: '12345', privateKey: '[redacted]', webhookSecret: '[redacted]' });
  assert.deepEqual(line!.gitea, { url: 'https://git.example.org', token: '[redacted]', webhookSecret: '[redacted]', botLogin: 'bumpguard' });
});

test('a webhook request logged with its headers keeps the delivery id but not the signatures or the authorization', () => {
  const c = capture();
  c.log.warn({
    req: { method: 'POST', url: '/api/gitea/webhooks', headers: {
      'x-gitea-delivery': 'd-1', 'x-hub-signature-256': SECRETS.signature, 'x-gitea-signature': SECRETS.signature.slice(7),
      'x-gogs-signature': SECRETS.signature.slice(7), 'x-hub-signature': 'sha1=0123456789abcdef', authorization: `token ${SECRETS.giteaToken}`,
    } },
  }, 'refused');
  const [line] = c.lines();
  assert.deepEqual(line!.req.headers, {
    'x-gitea-delivery': 'd-1', 'x-hub-signature-256': '[redacted]', 'x-gitea-signature': '[redacted]',
    'x-gogs-signature': '[redacted]', 'x-hub-signature': '[redacted]', authorization: '[redacted]',
  });
});

test('a failed API call logged as err, directly or as the cause of a ForgeError, does not leak the token it sent', () => {
  const c = capture();
  // The shape of an Octokit RequestError: the request it made, headers included.
  const requestError = () => Object.assign(new Error('Bad credentials'), {
    status: 401, request: { method: 'GET', url: 'https://api.github.com/repos/o/r/pulls/2', headers: { authorization: `token ${SECRETS.appToken}`, accept: 'application/vnd.github+json' } },
  });
  c.log.error({ err: requestError() }, 'job failed');
  c.log.error({ err: new ForgeError({ forge: 'github', op: 'getPullRequest', code: 'unauthorized', status: 401, retryable: false, cause: requestError() }, 'GitHub refused the App\'s token.') }, 'job failed');
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
  for (const value of Object.values(SECRETS)) assert.ok(!c.text().includes(value.split('\n')[0]!), `${value.slice(0, 12)}… leaked: ${c.text()}`);
  assert.equal(c.lines().length, 3);
});
