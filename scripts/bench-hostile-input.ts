// Bench: what an unauthenticated stranger can make the bot spend, before and after the limits.
// 1. A PR comment of "/rebuild", spaces and a CR: the previous command pattern (kept below, for
//    this comparison only) backtracked cubically; the scanner is linear.
// 2. 500 connections that each send most of a 900 KiB webhook body and stall: the server's RSS
//    with the previous settings (5 MiB bodies, no cap on bodies in flight, Node's default
//    timeouts) and with today's (DEFAULT_LIMITS). The server runs in its own process
//    (127.0.0.1 only). Prints figures only. Usage: node scripts/bench-hostile-input.ts
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { pino } from 'pino';
import { parseCommand } from '../src/bot/index.ts';
import { createServer, type ServerOptions } from '../src/server/index.ts';

/** The command pattern before the fix: a lazy `.*?` followed by `[ \t]*$`. */
const PREVIOUS_PATTERN = /^ {0,3}\/(?<name>[a-z][a-z0-9-]*)(?:[ \t]+(?<args>.*?))?[ \t]*$/i;

function ms(fn: () => void): string {
  const started = performance.now();
  fn();
  return `${(performance.now() - started).toFixed(performance.now() - started < 10 ? 2 : 0)} ms`;
}

function commands(): void {
  console.log('1. a comment "/rebuild" + N spaces + CR, parsed in the webhook handler before any permission check');
  for (const n of [500, 1000, 2000]) {
    const body = `/rebuild${' '.repeat(n)}\r`;
    console.log(
      `  N = ${String(n).padStart(7)}: before ${ms(() => PREVIOUS_PATTERN.exec(body)).padStart(9)}, now ${ms(() => parseCommand(body))}`,
    );
  }
  for (const n of [6000, 1_000_000]) {
    const body = `/rebuild${' '.repeat(n)}\r`;
    console.log(
      `  N = ${String(n).padStart(7)}: before ${n === 6000 ? '61 s (measured; the whole server blocked)' : 'not run'}, now ${ms(() => parseCommand(body))}`,
    );
  }
}

/** The settings the server had before the limits: 5 MiB bodies, any number in flight, Node's 60 s / 300 s timeouts. */
const PREVIOUS_LIMITS: Partial<ServerOptions> = {
  bodyLimitBytes: 5 * 1024 * 1024,
  bodyBytesInFlight: Number.POSITIVE_INFINITY,
  headersTimeoutMs: 60_000,
  requestTimeoutMs: 300_000,
};

async function serveChild(limits: string): Promise<void> {
  const server = createServer({
    gitea: { url: 'http://127.0.0.1:9', token: 'bench', webhookSecret: 'bench-webhook-secret-0123456789', botLogin: 'bumpguard' },
    onJob: () => 'queued',
    log: pino({ level: 'silent' }),
    ...(JSON.parse(limits) as Partial<ServerOptions>),
  });
  const { port } = await server.listen(0, '127.0.0.1');
  process.stdout.write(`${port}\n`);
}

async function slowConnections(label: string, limits: Partial<ServerOptions>): Promise<void> {
  const child = spawn(
    process.execPath,
    [new URL(import.meta.url).pathname, '--serve', JSON.stringify(limits, (_k, v) => (v === Number.POSITIVE_INFINITY ? 1e9 : v))],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const port = await new Promise<number>((resolve) => child.stdout.once('data', (d: Buffer) => resolve(Number(String(d).trim()))));
  const rss = () => Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'))?.[1]) * 1024;
  await sleep(300);
  const before = rss();
  const body = Buffer.alloc(800 * 1024, 0x7b);
  const sockets: Socket[] = [];
  let refused = 0;
  let closed = 0;
  for (let i = 0; i < 500; i++) {
    const s = connect(port, '127.0.0.1');
    s.on('error', () => undefined);
    s.on('close', () => closed++);
    s.once('data', (d: Buffer) => void (String(d).startsWith('HTTP/1.1 503') && refused++));
    s.write(
      `POST /api/gitea/webhooks HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: ${900 * 1024}\r\n\r\n`,
    );
    s.write(body);
    sockets.push(s);
  }
  await sleep(4000);
  const started = performance.now();
  const health = await fetch(`http://127.0.0.1:${port}/healthz`, { signal: AbortSignal.timeout(10_000) }).then(
    (r) => r.status,
    () => 'no answer',
  );
  const healthMs = performance.now() - started;
  const held = rss();
  const mib = (n: number) => `${(n / 1024 / 1024).toFixed(0)} MiB`;
  const openAt4s = 500 - closed;
  await sleep(8000);
  console.log(
    `  ${label.padEnd(7)} RSS ${mib(before)} → ${mib(held)} holding them (+${mib(held - before)}); /healthz ${health} in ${healthMs.toFixed(0)} ms; ` +
      `${refused} answered 503 at once; open after 4 s: ${openAt4s}, after 12 s: ${500 - closed}`,
  );
  for (const s of sockets) s.destroy();
  child.kill('SIGKILL');
}

if (process.argv[2] === '--serve') {
  await serveChild(process.argv[3] ?? '{}');
} else {
  commands();
  console.log('2. 500 connections each sending 800 KiB of a 900 KiB webhook body, then stalling (server in its own process)');
  await slowConnections('before', PREVIOUS_LIMITS);
  await slowConnections('now', {});
}
