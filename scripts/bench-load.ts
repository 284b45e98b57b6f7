// `npm run bench:load [-- --deliveries N --concurrency C --soak]`: load on the webhook path of a
// real `bumpguard serve` (a separate process, 127.0.0.1 only, started by scripts/serve-noop.ts
// so jobs cost nothing and no forge is called). Prints ack latency p50/p99/max, deliveries lost,
// processed twice and the server's peak RSS. Goal: p99 < 50 ms, 0 lost, 0 twice.
// --soak: kill -9 the server while deliveries arrive and again while the queue drains, restart
// it on the same database each time, resend what was not acknowledged (and redeliver some that
// were), then count from the database that every delivery was processed exactly once.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { dbCounts, fire, makeDeliveries, peakRss, percentile, startServer, waitFor, type FireResult, type Server } from './load-kit.ts';

const { values: args } = parseArgs({
  options: {
    deliveries: { type: 'string', default: '2000' },
    concurrency: { type: 'string', default: '200' },
    repos: { type: 'string', default: '20' },
    soak: { type: 'boolean', default: false },
    keep: { type: 'boolean', default: false },
  },
});
const N = Number(args.deliveries);
const C = Number(args.concurrency);
const dir = mkdtempSync(join(tmpdir(), 'bumpguard-bench-load-'));
const db = join(dir, 'bumpguard.db');
const deliveries = makeDeliveries(N, Number(args.repos), `load${Date.now().toString(36)}`);
const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
/** Every acknowledged delivery's job has run (what was refused is counted apart, as "not acknowledged"). */
const done = (acked: Set<string>) => (dbCounts(db, acked).jobsByState.done ?? 0) >= acked.size;

function latencyLine(r: FireResult): string {
  const sorted = [...r.latenciesMs].sort((a, b) => a - b);
  const f = (x: number) => `${x.toFixed(1)} ms`;
  return `ack latency p50 ${f(percentile(sorted, 50))}, p99 ${f(percentile(sorted, 99))}, max ${f(sorted.at(-1) ?? Number.NaN)} (${sorted.length} acks)`;
}

async function stop(server: Server): Promise<void> {
  server.child.kill('SIGTERM');
  await server.exited;
}

async function normal(): Promise<boolean> {
  const server = await startServer(db);
  const started = performance.now();
  const r = await fire(server.port, deliveries, C);
  const seconds = (performance.now() - started) / 1000;
  await waitFor('every job to finish', () => done(r.acked), 120_000);
  const rss = peakRss(server.pid);
  await stop(server);
  const counts = dbCounts(db, r.acked);
  const p99 = percentile(
    [...r.latenciesMs].sort((a, b) => a - b),
    99,
  );
  console.log(`bench:load — ${N} signed Gitea deliveries, ${C} in flight, 127.0.0.1, jobs that only wait`);
  console.log(`  ${latencyLine(r)}; ${(N / seconds).toFixed(0)} deliveries/s`);
  console.log(
    `  not acknowledged: ${N - r.acked.size}${r.failures.size ? ` (${[...r.failures].map(([k, v]) => `${k}×${v}`).join(', ')})` : ''}`,
  );
  console.log(
    `  deliveries lost: ${counts.lost.length}; processed twice: ${counts.processedTwice}; jobs ${JSON.stringify(counts.jobsByState)}`,
  );
  console.log(`  server peak RSS: ${mb(rss)}`);
  console.log(`  goal p99 < 50 ms: ${p99 < 50 ? 'met' : 'MISSED'}`);
  return counts.lost.length === 0 && counts.processedTwice === 0 && r.acked.size === N;
}

async function soak(): Promise<boolean> {
  // Jobs take a few ms each at concurrency 1, so the queue is long when the server is killed.
  const jobDelayMs = 3;
  const acked = new Set<string>();
  const rss: number[] = [];
  const log = (what: string) => console.log(`  ${what}: ${JSON.stringify(dbCounts(db, acked).jobsByState)}`);
  console.log(`bench:load --soak — ${N} deliveries, ${C} in flight, kill -9 twice, same database`);

  // 1. kill -9 while deliveries are still arriving.
  let server = await startServer(db, jobDelayMs);
  let killed = false;
  const first = fire(server.port, deliveries, C, () => killed);
  await waitFor('half the deliveries acknowledged', () => dbCounts(db, acked).deliveries >= N / 2, 60_000);
  rss.push(peakRss(server.pid));
  server.child.kill('SIGKILL');
  killed = true;
  await server.exited;
  for (const id of (await first).acked) acked.add(id);
  log(`killed -9 with ${acked.size} acknowledged`);

  // 2. Restart; the forge's redelivery: everything unacknowledged, plus every 10th acknowledged one again.
  server = await startServer(db, jobDelayMs);
  const resend = deliveries.filter((d, i) => !acked.has(d.id) || i % 10 === 0);
  const again = resend.filter((d) => acked.has(d.id)).length;
  const second = await fire(server.port, resend, C);
  for (const id of second.acked) acked.add(id);
  console.log(
    `  restarted; resent ${resend.length - again} unacknowledged and redelivered ${again} acknowledged ones: ${second.duplicates} answered "already recorded"; ${latencyLine(second)}`,
  );

  // 3. kill -9 again while the queue drains.
  await waitFor('the queue to be part-way through', () => (dbCounts(db, acked).jobsByState.done ?? 0) >= N * 0.7, 120_000);
  rss.push(peakRss(server.pid));
  server.child.kill('SIGKILL');
  await server.exited;
  log('killed -9 mid-queue');

  // 4. Last start: everything left runs; a graceful stop.
  server = await startServer(db, jobDelayMs);
  await waitFor('every job to finish', () => done(acked), 120_000);
  rss.push(peakRss(server.pid));
  await stop(server);
  const counts = dbCounts(db, acked);
  console.log(`  deliveries sent ${N}, acknowledged ${acked.size}, recorded ${counts.deliveries} (each id once)`);
  console.log(`  jobs ${JSON.stringify(counts.jobsByState)}; runs cut off by kill -9 and re-queued: ${counts.interruptedRuns}`);
  console.log(`  deliveries lost: ${counts.lost.length}; processed twice: ${counts.processedTwice}`);
  console.log(`  server peak RSS per start: ${rss.map(mb).join(', ')}`);
  const exactlyOnce =
    acked.size === N && counts.deliveries === N && counts.jobsByState.done === N && counts.lost.length === 0 && counts.processedTwice === 0;
  console.log(`  every delivery processed exactly once: ${exactlyOnce ? 'yes' : 'NO'}`);
  return exactlyOnce;
}

try {
  const ok = args.soak ? await soak() : await normal();
  if (!ok) process.exitCode = 1;
} finally {
  if (args.keep) console.log(`  database kept at ${db}`);
  else rmSync(dir, { recursive: true, force: true });
}
