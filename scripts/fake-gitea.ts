// A Gitea API double on 127.0.0.1 for benches that drive a real `bumpguard serve`: it serves one
// pull request of a local git repository in Gitea's wire format (the PR as the e2e fixture has it,
// the diff, raw files and the archive by commit), keeps comments and statuses, and notes when each
// write arrived. Loopback only, no auth beyond checking the token is sent.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { execa } from 'execa';

export const FAKE_OWNER = 'routers';
export const FAKE_NAME = 'tailscale-mikrotik';
export const FAKE_TOKEN = 'fake-gitea-token';

export interface FakePull {
  number: number;
  baseRef: string;
  baseSha: string;
  headRef: string;
  headSha: string;
}

export interface FakeWrite {
  /** performance.now() when the request arrived. */
  at: number;
  op: 'comment-create' | 'comment-update' | 'status';
  pr: number | null;
  /** Status description, or the comment's first heading. */
  text: string;
}

export interface FakeGitea {
  url: string;
  writes: FakeWrite[];
  /** Resolves with the first write matching `pred` (now or later). */
  waitFor(pred: (w: FakeWrite) => boolean): Promise<FakeWrite>;
  close(): Promise<void>;
}

const template = JSON.parse(readFileSync(new URL('../test/fixtures/gitea/pull_request.opened.json', import.meta.url), 'utf8'));

export function pullJson(pr: FakePull, url: string): Record<string, unknown> {
  return {
    ...template.pull_request,
    number: pr.number,
    url: `${url}/${FAKE_OWNER}/${FAKE_NAME}/pulls/${pr.number}`,
    html_url: `${url}/${FAKE_OWNER}/${FAKE_NAME}/pulls/${pr.number}`,
    head: { ...template.pull_request.head, ref: pr.headRef, sha: pr.headSha },
    base: { ...template.pull_request.base, ref: pr.baseRef, sha: pr.baseSha },
  };
}

export async function startFakeGitea(repoDir: string, pulls: FakePull[]): Promise<FakeGitea> {
  const writes: FakeWrite[] = [];
  const waiters: { pred: (w: FakeWrite) => boolean; resolve: (w: FakeWrite) => void }[] = [];
  const comments = new Map<number, { id: number; body: string; pr: number }>();
  let nextId = 900;
  const git = (args: string[], encoding: 'utf8' | 'buffer' = 'utf8') =>
    execa('git', args, { cwd: repoDir, encoding, stdin: 'ignore', reject: false });
  const note = (w: FakeWrite) => {
    writes.push(w);
    for (const waiter of waiters.filter((x) => x.pred(w))) {
      waiters.splice(waiters.indexOf(waiter), 1);
      waiter.resolve(w);
    }
  };
  const prefix = `/api/v1/repos/${FAKE_OWNER}/${FAKE_NAME}`;
  let url = '';
  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const at = performance.now();
    const u = new URL(req.url ?? '/', 'http://127.0.0.1');
    const send = (status: number, body: unknown, headers: Record<string, string> = {}) => {
      const text = typeof body === 'string' || Buffer.isBuffer(body) ? body : JSON.stringify(body);
      res.writeHead(status, {
        'content-type': typeof body === 'string' ? 'text/plain' : Buffer.isBuffer(body) ? 'application/octet-stream' : 'application/json',
        ...headers,
      });
      res.end(text);
    };
    if (req.headers.authorization !== `token ${FAKE_TOKEN}` || !u.pathname.startsWith(prefix))
      return send(401, { message: 'unauthorized' });
    const path = u.pathname.slice(prefix.length);
    const pull = (n: string | undefined) => pulls.find((p) => p.number === Number(n));
    let m: RegExpExecArray | null;
    if ((m = /^\/pulls\/(\d+)$/.exec(path)) && pull(m[1])) return send(200, pullJson(pull(m[1])!, url));
    if ((m = /^\/pulls\/(\d+)\.diff$/.exec(path)) && pull(m[1])) {
      const p = pull(m[1])!;
      return send(200, (await git(['diff', p.baseSha, p.headSha])).stdout);
    }
    if ((m = /^\/raw\/(.+)$/.exec(path))) {
      const shown = await git(['show', `${u.searchParams.get('ref')}:${decodeURIComponent(m[1]!)}`]);
      return shown.exitCode === 0 ? send(200, shown.stdout) : send(404, { message: 'not found' });
    }
    if ((m = /^\/archive\/([0-9a-f]+)\.tar\.gz$/.exec(path))) {
      const archive = await git(['archive', '--format=tar.gz', `--prefix=${FAKE_NAME}/`, m[1]!], 'buffer');
      return archive.exitCode === 0 ? send(200, Buffer.from(archive.stdout)) : send(404, { message: 'not found' });
    }
    if ((m = /^\/issues\/(\d+)\/comments$/.exec(path))) {
      const pr = Number(m[1]);
      if (req.method === 'GET') {
        const mine = [...comments.values()].filter((c) => c.pr === pr).map((c) => commentJson(c, url));
        return send(200, mine, { 'x-total-count': String(mine.length) });
      }
      const c = { id: nextId++, pr, body: String((await json(req)).body) };
      comments.set(c.id, c);
      note({ at, op: 'comment-create', pr, text: heading(c.body) });
      return send(201, commentJson(c, url));
    }
    if ((m = /^\/issues\/comments\/(\d+)$/.exec(path)) && req.method === 'PATCH') {
      const c = comments.get(Number(m[1]));
      if (!c) return send(404, { message: 'not found' });
      c.body = String((await json(req)).body);
      note({ at, op: 'comment-update', pr: c.pr, text: heading(c.body) });
      return send(200, commentJson(c, url));
    }
    // Renovate (the PR author) may push: its PRs are built without a maintainer's approval.
    if (/^\/collaborators\/[^/]+\/permission$/.test(path)) return send(200, { permission: 'write', role_name: 'write' });
    if (/^\/statuses\/[0-9a-f]+$/.test(path) && req.method === 'POST') {
      const body = await json(req);
      note({ at, op: 'status', pr: null, text: `${String(body.state)}: ${String(body.description)}` });
      return send(201, {});
    }
    send(404, { message: `no such endpoint in the fake: ${req.method} ${path}` });
  };
  const server: Server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      res.writeHead(500, { 'content-type': 'text/plain' });
      res.end(String(err));
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    writes,
    waitFor: (pred) => {
      const seen = writes.find(pred);
      return seen ? Promise.resolve(seen) : new Promise((resolve) => waiters.push({ pred, resolve }));
    },
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function commentJson(c: { id: number; body: string; pr: number }, url: string) {
  return {
    id: c.id,
    html_url: `${url}/${FAKE_OWNER}/${FAKE_NAME}/pulls/${c.pr}#issuecomment-${c.id}`,
    body: c.body,
    user: { login: 'bumpguard' },
  };
}

function heading(body: string): string {
  return /^## (.*)$/m.exec(body)?.[1] ?? body.slice(0, 80);
}

async function json(req: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>;
}
