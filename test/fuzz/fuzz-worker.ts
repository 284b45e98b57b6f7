// Runs one target's fuzz inputs in a worker thread, reporting each input before and after the
// call, so the test (main thread) can stop a parser that hangs and name the input.
import { parentPort, workerData } from 'node:worker_threads';
import { caseInput, TARGETS } from './targets.ts';

const { target: name, seed, iterations } = workerData as { target: string; seed: number; iterations: number };
const target = TARGETS[name]!;
const seeds = target.seeds();
const hostile = target.hostile?.() ?? [];
// Hostile inputs get negative indices: -1 is hostile[0].
for (let index = -hostile.length; index < iterations; index++) {
  const input = index < 0 ? hostile[-index - 1]! : caseInput(target, seeds, seed, index);
  parentPort!.postMessage({ type: 'start', index });
  const started = performance.now();
  let error: string | null = null;
  try {
    target.call(input);
  } catch (err) {
    if (!target.allowed(err)) error = err instanceof Error ? `${err.name}: ${err.message}\n${err.stack ?? ''}` : String(err);
  }
  parentPort!.postMessage({ type: 'done', index, ms: performance.now() - started, error, length: input.length });
}
parentPort!.postMessage({ type: 'finished' });
