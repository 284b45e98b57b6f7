import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { request } from 'node:http';
import { pino } from 'pino';
import type { BotJob } from '../bot/index.ts';
import { createServer } from './create-server.ts';

const SECRET = 'gitea-webhook-secret-for-tests';
const sign = (body: string) => createHmac('sha256', SECRET).update(body).digest('hex');

async function serve() {
  const jobs: BotJob[] = [];
  const server = createServer({
    gitea: { url: 'https://git.example.org', token: 't', webhookSecret: SECRET, botLogin: 'bumpguard' },
    onJob: (job) => void jobs.push(job),
    log: pino({ level: 'silent' }),
    bodyLimitBytes: 4096,
  });
  const { port } = await server.listen(0, '127.0.0.1');
  return { jobs, url: `http://127.0.0.1:${port}`, close: () => server.close() };
}

const post = (url: string, body: string, headers: Record<string, string>) =>
  fetch(`${url}/api/gitea/webhooks`, {
    method: 'POST',
    body,
    headers: { 'x-gitea-event': 'pull_request', 'x-gitea-delivery': 'd-1', ...headers },
  });

test('bad input is answered clearly and enqueues nothing', async () => {
  const s = await serve();
  try {
    const big = 'x'.repeat(5000);
    const notJson = '{"action": "opened",';
    const answers = [
      (await post(s.url, big, { 'content-type': 'application/json', 'x-gitea-signature': sign(big) })).status,
      (
        await post(s.url, 'payload=%7B%7D', {
          'content-type': 'application/x-www-form-urlencoded',
          'x-gitea-signature': sign('payload=%7B%7D'),
        })
      ).status,
      (await post(s.url, notJson, { 'content-type': 'application/json', 'x-gitea-signature': sign(notJson) })).status,
      (await fetch(`${s.url}/api/gitea/webhooks`)).status,
      (await fetch(`${s.url}/api/gitlab/webhooks`, { method: 'POST' })).status,
    ];
    assert.deepEqual(answers, [413, 415, 400, 405, 404]);
    assert.deepEqual(s.jobs, []);
  } finally {
    await s.close();
  }
});

test('an unknown event type from a verified sender is acknowledged with 204', async () => {
  const s = await serve();
  try {
    const body = '{"repository":{"full_name":"routers/tailscale-mikrotik"},"sender":{"login":"mira"},"ref":"refs/heads/main"}';
    const res = await post(s.url, body, { 'content-type': 'application/json', 'x-gitea-signature': sign(body), 'x-gitea-event': 'push' });
    assert.equal(res.status, 204);
    assert.deepEqual(s.jobs, []);
  } finally {
    await s.close();
  }
});

test('a streamed body over the limit is refused with 413 before it is all sent, and the server keeps answering', async () => {
  const s = await serve();
  try {
    let sentWhenAnswered = -1;
    let sent = 0;
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(
        `${s.url}/api/gitea/webhooks`,
        { method: 'POST', headers: { 'content-type': 'application/json', 'transfer-encoding': 'chunked' } },
        (res) => {
          sentWhenAnswered = sent;
          res.resume();
          resolve(res.statusCode ?? 0);
        },
      );
      req.on('error', reject);
      const chunk = Buffer.alloc(16 * 1024, 0x20);
      const pump = () => {
        while (sent < 50 * 1024 * 1024 && sentWhenAnswered < 0) {
          sent += chunk.length;
          if (!req.write(chunk)) return void req.once('drain', pump);
        }
        req.end();
      };
      pump();
    });
    assert.equal(status, 413);
    assert.ok(sentWhenAnswered < 10 * 1024 * 1024, `answered after ${sentWhenAnswered} of 50 MiB`);
    assert.equal((await fetch(`${s.url}/healthz`)).status, 200);
    assert.deepEqual(s.jobs, []);
  } finally {
    await s.close();
  }
});
