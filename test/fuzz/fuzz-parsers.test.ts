// Fuzz the parsers that read untrusted text: upstream featuretags.go, the target's Dockerfile
// recipe, PR diffs, dig/nslookup output, PR comments. Seeded and bounded; each parser runs in a
// worker so a hang is caught (the worker is stopped) and the input is saved. The recipe parser
// also gets inputs grown to megabytes, with a time budget that grows linearly with the input:
// a quadratic parse passes on kilobytes and hangs the server on a megabyte.
// Reproduce: FUZZ_SEED=<seed> FUZZ_ITERATIONS=<n> node --test test/fuzz/fuzz-parsers.test.ts
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { caseInput, TARGETS } from './targets.ts';

const SEED = Number(process.env.FUZZ_SEED ?? 0x5eed_b0b);
const ITERATIONS = Number(process.env.FUZZ_ITERATIONS ?? 400);
/** One input may take this long, plus BUDGET_MS_PER_MB per megabyte; most take well under a millisecond. */
const BUDGET_MS = 1000;
/** Linear parsers read a megabyte of recipe in about 250 ms here; 8× leaves room for a busy machine. */
const BUDGET_MS_PER_MB = 2000;
const budgetFor = (chars: number) => BUDGET_MS + (BUDGET_MS_PER_MB * chars) / (1024 * 1024);
/** No answer for this long is a hang: the worker is stopped. */
const HANG_MS = 10_000;
const hangFor = (target: string) => Math.max(HANG_MS, 3 * budgetFor(TARGETS[target]!.scale?.maxBytes ?? 0));

interface Report {
  failures: { index: number; error: string }[];
  slow: { index: number; ms: number; length: number; budget: number }[];
  hung: number | null;
  ran: number;
}

function fuzz(target: string): Promise<Report> {
  const report: Report = { failures: [], slow: [], hung: null, ran: 0 };
  const worker = new Worker(new URL('./fuzz-worker.ts', import.meta.url), { workerData: { target, seed: SEED, iterations: ITERATIONS } });
  return new Promise((resolve, reject) => {
    let current = Number.NaN;
    let watchdog = setTimeout(() => undefined, 0);
    const arm = () => {
      clearTimeout(watchdog);
      watchdog = setTimeout(() => {
        report.hung = current;
        void worker.terminate().then(() => resolve(report));
      }, hangFor(target));
    };
    arm();
    worker.on('message', (m: { type: string; index: number; ms: number; error: string | null; length: number }) => {
      arm();
      if (m.type === 'start') current = m.index;
      if (m.type === 'done') {
        report.ran++;
        if (m.error) report.failures.push({ index: m.index, error: m.error });
        const budget = budgetFor(m.length);
        if (m.ms > budget) report.slow.push({ index: m.index, ms: Math.round(m.ms), length: m.length, budget: Math.round(budget) });
      }
      if (m.type === 'finished') {
        clearTimeout(watchdog);
        void worker.terminate().then(() => resolve(report));
      }
    });
    worker.on('error', (err: Error) => {
      clearTimeout(watchdog);
      reject(err);
    });
  });
}

/** Write a failing input to a temp file so it can be replayed by hand. */
function save(target: string, index: number): string {
  const t = TARGETS[target]!;
  const path = join(tmpdir(), `bumpguard-fuzz-${target}-${SEED}-${index}.txt`);
  writeFileSync(path, index < 0 ? t.hostile!()[-index - 1]! : caseInput(t, t.seeds(), SEED, index));
  return path;
}

for (const target of Object.keys(TARGETS)) {
  const scaled = TARGETS[target]!.scale ? `, some grown to ${TARGETS[target]!.scale.maxBytes >> 20} MB,` : '';
  test(
    `${target}: ${ITERATIONS} mutated inputs${scaled} (seed ${SEED}) neither throw an undocumented error, hang, nor take over ${BUDGET_MS} ms + ${BUDGET_MS_PER_MB} ms/MB`,
    { timeout: 5 * 60_000 },
    async () => {
      const r = await fuzz(target);
      assert.equal(r.hung, null, r.hung === null ? '' : `hung on input ${r.hung}: ${save(target, r.hung)}`);
      assert.deepEqual(
        r.failures.map((f) => `#${f.index} (${save(target, f.index)}): ${f.error.split('\n').slice(0, 3).join(' | ')}`),
        [],
      );
      assert.deepEqual(
        r.slow.map((s) => `#${s.index} took ${s.ms} ms (budget ${s.budget} ms) on ${s.length} chars (${save(target, s.index)})`),
        [],
      );
      assert.equal(r.ran, ITERATIONS + (TARGETS[target]!.hostile?.().length ?? 0));
    },
  );
}
