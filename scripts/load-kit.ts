// Building blocks of scripts/bench-load.ts: a `bumpguard serve` child process on 127.0.0.1 whose
// jobs only wait (scripts/serve-noop.ts), signed Gitea deliveries fired at a fixed concurrency, and counts
// read back from the server's own database. Loopback only: the Gitea URL points at port 9
// (discard) and is never called, because noop jobs touch no forge.
import { spawn, type ChildProcess } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { DatabaseSync } from 'node:sqlite';

export const SECRET = 'bench-load-webhook-secret-0123456789';
const root = new URL('../', import.meta.url);

export interface Delivery {
  id: string;
  body: Buffer;
  signature: string;
}

/** `n` distinct pull_request deliveries (Gitea's format) spread over `repos` repositories. */
export function makeDeliveries(n: number, repos: number, runId: string): Delivery[] {
  const template = JSON.parse(readFileSync(new URL('test/fixtures/gitea/pull_request.opened.json', root), 'utf8'));
  return Array.from({ length: n }, (_, i) => {
    const payload = structuredClone(template);
    const pr = 1 + Math.floor(i / repos);
    payload.number = payload.pull_request.number = pr;
    payload.pull_request.head.sha = createHmac('sha1', runId).update(String(i)).digest('hex');
    payload.repository.full_name = `bench/repo-${i % repos}`;
    const body = Buffer.from(JSON.stringify(payload));
    return { id: `${runId}-${i}`, body, signature: createHmac('sha256', SECRET).update(body).digest('hex') };
  });
}

export interface Server {
  child: ChildProcess;
  port: number;
  pid: number;
  /** Resolves with the exit code (null when killed by a signal). */
  exited: Promise<number | null>;
}

/** Start `bumpguard serve` with jobs of `jobDelayMs` on 127.0.0.1 and wait for its "listening" log line. */
export async function startServer(db: string, jobDelayMs = 0): Promise<Server> {
  // e.g. BENCH_SERVER_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof" to profile the server under load.
  const nodeArgs = process.env.BENCH_SERVER_NODE_ARGS?.split(' ').filter(Boolean) ?? [];
  const child = spawn(process.execPath, [...nodeArgs, 'scripts/serve-noop.ts', String(jobDelayMs)], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'inherit'],
    env: {
      PATH: process.env.PATH ?? '',
      HOST: '127.0.0.1',
      PORT: '0',
      BUMPGUARD_DB: db,
      BUMPGUARD_CACHE: `${db}.cache`,
      GITEA_URL: 'http://127.0.0.1:9',
      GITEA_TOKEN: 'bench-token-never-used',
      GITEA_WEBHOOK_SECRET: SECRET,
      GITEA_BOT_LOGIN: 'bumpguard',
      LOG_LEVEL: 'info',
    },
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const port = await new Promise<number>((resolve, reject) => {
    let buffered = '';
    child.stdout.on('data', (chunk: Buffer) => {
      buffered += chunk.toString();
      for (let nl = buffered.indexOf('\n'); nl >= 0; nl = buffered.indexOf('\n')) {
        const line = buffered.slice(0, nl);
        buffered = buffered.slice(nl + 1);
        const entry = JSON.parse(line) as { msg?: string; port?: number };
        if (entry.msg === 'bumpguard serve listening' && entry.port) resolve(entry.port);
      }
    });
    void exited.then((code) => reject(new Error(`bumpguard serve exited (${code}) before listening`)));
  });
  return { child, port, pid: child.pid!, exited };
}

/** Peak resident set size of a process (VmHWM), in bytes. */
export function peakRss(pid: number): number {
  const m = /^VmHWM:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) * 1024 : 0;
}

export interface FireResult {
  /** Delivery ids answered 202. */
  acked: Set<string>;
  /** Of those, answered as already recorded (`"queued":false`: a redelivery). */
  duplicates: number;
  latenciesMs: number[];
  /** Other answers and connection errors, by kind. */
  failures: Map<string, number>;
}

/**
 * POST every delivery, `concurrency` in flight on kept-alive raw TCP connections; stops early when
 * `stop()` says so. Requests are pre-serialised and answers parsed minimally: node:http's client
 * costs more CPU than the server under test, and on a 2-core host it would measure itself.
 */
export async function fire(
  port: number,
  deliveries: Delivery[],
  concurrency: number,
  stop: () => boolean = () => false,
): Promise<FireResult> {
  const result: FireResult = { acked: new Set(), duplicates: 0, latenciesMs: [], failures: new Map() };
  const wire = deliveries.map((d) => Buffer.concat([Buffer.from(requestHead(port, d)), d.body]));
  let next = 0;
  // Every connection is opened and used once (GET /healthz) before the first delivery: with all
  // 200 sockets opening at once, Node answered established keep-alive sockets first and left some
  // new ones waiting over a second (a bare node:http server does the same), which measured the
  // accept burst, not the webhook path.
  const opened = await Promise.all(
    Array.from({ length: concurrency }, () => Connection.open(port).then(async (c) => (await c.send(HEALTHZ), c))),
  );
  const worker = async (first: Connection) => {
    let conn: Connection | null = first;
    while (next < deliveries.length && !stop()) {
      const i = next++;
      const started = performance.now();
      try {
        conn ??= await Connection.open(port);
        const { status, body } = await conn.send(wire[i]!);
        if (status === 202) {
          result.latenciesMs.push(performance.now() - started);
          result.acked.add(deliveries[i]!.id);
          if (body.includes('"queued":false')) result.duplicates++;
        } else result.failures.set(String(status), (result.failures.get(String(status)) ?? 0) + 1);
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code ?? 'error';
        result.failures.set(code, (result.failures.get(code) ?? 0) + 1);
        conn?.close();
        conn = null;
      }
    }
    conn?.close();
  };
  await Promise.all(opened.map(worker));
  return result;
}

const HEALTHZ = Buffer.from('GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: keep-alive\r\n\r\n');

function requestHead(port: number, d: Delivery): string {
  return (
    `POST /api/gitea/webhooks HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nContent-Type: application/json\r\nContent-Length: ${d.body.length}\r\n` +
    `X-Gitea-Event: pull_request\r\nX-Gitea-Delivery: ${d.id}\r\nX-Gitea-Signature: ${d.signature}\r\nConnection: keep-alive\r\n\r\n`
  );
}

interface Answer {
  status: number;
  body: string;
}

/** One keep-alive HTTP/1.1 connection: write a request, read one response (status + content-length body). */
class Connection {
  readonly #socket: Socket;
  #buffer: Buffer = Buffer.alloc(0);
  #waiting: { resolve: (answer: Answer) => void; reject: (err: Error) => void } | null = null;

  constructor(socket: Socket) {
    this.#socket = socket;
    socket.on('data', (chunk: Buffer) => {
      this.#buffer = this.#buffer.length === 0 ? chunk : Buffer.concat([this.#buffer, chunk]);
      this.#tryParse();
    });
    const fail = (err: Error) => this.#waiting?.reject(err);
    socket.on('error', fail);
    socket.on('close', () => fail(Object.assign(new Error('connection closed'), { code: 'ECONNRESET' })));
  }

  static open(port: number): Promise<Connection> {
    return new Promise((resolve, reject) => {
      const socket = connect({ host: '127.0.0.1', port, noDelay: true });
      socket.once('connect', () => resolve(new Connection(socket)));
      socket.once('error', reject);
    });
  }

  send(request: Buffer): Promise<Answer> {
    return new Promise((resolve, reject) => {
      this.#waiting = { resolve, reject };
      this.#socket.write(request);
    });
  }

  close(): void {
    this.#socket.destroy();
  }

  #tryParse(): void {
    const end = this.#buffer.indexOf('\r\n\r\n');
    if (end < 0 || !this.#waiting) return;
    const head = this.#buffer.subarray(0, end).toString('latin1');
    const length = Number(/\r\ncontent-length: *(\d+)/i.exec(head)?.[1] ?? 0);
    if (this.#buffer.length < end + 4 + length) return;
    const body = this.#buffer.subarray(end + 4, end + 4 + length).toString();
    this.#buffer = this.#buffer.subarray(end + 4 + length);
    const waiting = this.#waiting;
    this.#waiting = null;
    waiting.resolve({ status: Number(head.slice(9, 12)), body });
  }
}

export interface DbCounts {
  deliveries: number;
  jobsByState: Record<string, number>;
  /** Acked delivery ids with no delivery row, or whose job never completed. */
  lost: string[];
  /** Jobs with more than one completed run. */
  processedTwice: number;
  /** Runs cut off by a crash (kill -9) and re-queued at the next start. */
  interruptedRuns: number;
}

/** Read the server's database (read-only; fine while it runs, WAL). */
export function dbCounts(path: string, acked: Set<string>): DbCounts {
  const db = new DatabaseSync(path, { readOnly: true });
  try {
    const jobsByState: Record<string, number> = {};
    for (const r of db.prepare('SELECT state, COUNT(*) AS n FROM jobs GROUP BY state').all() as { state: string; n: number }[])
      jobsByState[r.state] = r.n;
    const completed = new Set(
      (
        db.prepare("SELECT d.delivery_id AS id FROM deliveries d JOIN jobs j ON j.id = d.job_id WHERE j.state = 'done'").all() as {
          id: string;
        }[]
      ).map((r) => r.id),
    );
    const { n: deliveries } = db.prepare('SELECT COUNT(*) AS n FROM deliveries').get() as { n: number };
    const { n: processedTwice } = db
      .prepare("SELECT COUNT(*) AS n FROM (SELECT job_id FROM job_runs WHERE result = 'done' GROUP BY job_id HAVING COUNT(*) > 1)")
      .get() as { n: number };
    const { n: interruptedRuns } = db.prepare("SELECT COUNT(*) AS n FROM job_runs WHERE result = 'interrupted'").get() as { n: number };
    return { deliveries, jobsByState, lost: [...acked].filter((id) => !completed.has(id)), processedTwice, interruptedRuns };
  } finally {
    db.close();
  }
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

export async function waitFor(what: string, check: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
