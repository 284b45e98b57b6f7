// Runs one target's fuzz inputs in a worker thread, reporting each input before and after the
// call, so the test (main thread) can stop a parser that hangs and name the input.
import { parentPort, workerData } from 'node:worker_threads';
import { caseInput, TARGETS } from './targets.ts';

const { target: name, seed, iterations } = workerData as { target: string; seed: number; iterations: number };
const target = TARGETS[name]!;
const seeds = target.seeds();
for (let index = 0; index < iterations; index++) {
  const input = caseInput(target, seeds, seed, index);
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
