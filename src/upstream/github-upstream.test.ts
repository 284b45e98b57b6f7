import assert from 'node:assert/strict';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, beforeEach, describe, it } from 'node:test';
import nock from 'nock';
import { useHttpMock } from '../../test/helpers/http-mock.ts';
import { githubUpstream } from './github-upstream.ts';

useHttpMock();
const TABLE = 'feature/featuretags/featuretags.go';

interface Reply {
  status: number;
  body?: string;
  headers?: Record<string, string>;
}
// A GitHub stand-in on loopback: replies keyed by request path, every request recorded.
let routes: Record<string, Reply> = {};
let seen: { url: string; headers: IncomingHttpHeaders }[] = [];
let server: Server;
let apiUrl: string;

before(async () => {
  server = createServer((req, res) => {
    seen.push({ url: req.url ?? '', headers: req.headers });
    const reply = routes[req.url ?? ''] ?? { status: 599, body: 'no route' };
    res.writeHead(reply.status, reply.headers).end(reply.body ?? '');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  apiUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
after(() => new Promise<void>((resolve) => server.close(() => resolve())));
beforeEach(() => {
  routes = {};
  seen = [];
});

const CONTENTS = `/repos/tailscale/tailscale/contents/${TABLE}?ref=v1.98.5`;
const COMMIT = '/repos/tailscale/tailscale/commits/v1.98.5';

describe('githubUpstream', () => {
  it('reads a file through the contents API with the raw media type and the token', async () => {
    routes[CONTENTS] = { status: 200, body: 'package featuretags\n' };
    const upstream = githubUpstream({ repo: 'tailscale/tailscale', token: 'tok123', apiUrl });
    assert.equal(await upstream.readFile('v1.98.5', TABLE), 'package featuretags\n');
    assert.deepStrictEqual(
      seen.map((s) => [s.url, s.headers.accept, s.headers.authorization]),
      [[CONTENTS, 'application/vnd.github.raw+json', 'Bearer tok123']],
    );
  });

  it('sends no authorization header without a token', async () => {
    routes[CONTENTS] = { status: 200, body: 'x' };
    await githubUpstream({ repo: 'tailscale/tailscale', apiUrl }).readFile('v1.98.5', TABLE);
    assert.equal(seen[0]?.headers.authorization, undefined);
  });

  it('returns null when the tag exists but the file does not', async () => {
    routes[CONTENTS] = { status: 404, body: '{"message":"Not Found"}' };
    routes[COMMIT] = { status: 200, body: 'a'.repeat(40) };
    assert.equal(await githubUpstream({ repo: 'tailscale/tailscale', apiUrl }).readFile('v1.98.5', TABLE), null);
    assert.deepStrictEqual(
      seen.map((s) => s.url),
      [CONTENTS, COMMIT],
    );
  });

  it('throws upstream-tag-missing when the tag does not exist', async () => {
    routes[CONTENTS] = { status: 404 };
    routes[COMMIT] = { status: 422, body: '{"message":"No commit found for SHA: v1.98.5"}' };
    await assert.rejects(githubUpstream({ repo: 'tailscale/tailscale', apiUrl }).readFile('v1.98.5', TABLE), {
      name: 'UpstreamError',
      code: 'upstream-tag-missing',
      userMessage: 'Tag v1.98.5 (or the repository tailscale/tailscale) does not exist on GitHub.',
    });
  });

  it('explains a used-up rate limit with its reset time and the way out', async () => {
    routes[CONTENTS] = {
      status: 403,
      headers: { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': '1767225600' },
      body: '{"message":"API rate limit exceeded"}',
    };
    await assert.rejects(githubUpstream({ repo: 'tailscale/tailscale', apiUrl }).readFile('v1.98.5', TABLE), {
      code: 'upstream-rate-limited',
      userMessage: "GitHub's API rate limit is used up until 2026-01-01T00:00:00.000Z; set a token (GITHUB_TOKEN) or use --upstream DIR.",
    });
  });

  it('tells a rejected token and a GitHub outage apart', async () => {
    const upstream = githubUpstream({ repo: 'tailscale/tailscale', token: 'bad', apiUrl });
    routes[CONTENTS] = { status: 401 };
    await assert.rejects(upstream.readFile('v1.98.5', TABLE), { code: 'upstream-unauthorized' });
    routes[CONTENTS] = { status: 502 };
    await assert.rejects(upstream.readFile('v1.98.5', TABLE), { code: 'upstream-unavailable' });
  });

  it('throws upstream-unreachable when nothing answers', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    await assert.rejects(githubUpstream({ repo: 'tailscale/tailscale', apiUrl: `http://127.0.0.1:${port}` }).readFile('v1.98.5', TABLE), {
      code: 'upstream-unreachable',
    });
  });

  it('talks to api.github.com by default and encodes the tag and path', async () => {
    nock('https://api.github.com', { reqheaders: { accept: 'application/vnd.github.raw+json', 'x-github-api-version': '2022-11-28' } })
      .get('/repos/tailscale/tailscale/contents/dir%20x/a%23b.go')
      .query({ ref: 'v1.98.5+meta' })
      .reply(200, 'body');
    assert.equal(await githubUpstream({ repo: 'tailscale/tailscale' }).readFile('v1.98.5+meta', 'dir x/a#b.go'), 'body');
  });

  it('uses an injected fetch', async () => {
    const calls: string[] = [];
    const fakeFetch = (async (url: string) => {
      calls.push(url);
      return new Response('injected', { status: 200 });
    }) as typeof fetch;
    assert.equal(await githubUpstream({ repo: 'o/r', fetch: fakeFetch }).readFile('v1.0.0', 'a.go'), 'injected');
    assert.deepStrictEqual(calls, ['https://api.github.com/repos/o/r/contents/a.go?ref=v1.0.0']);
  });
});
