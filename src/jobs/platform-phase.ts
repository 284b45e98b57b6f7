// One runtime phase per platform: the base and the head built in this check are run together, in
// one runtime slot, so their RAM is sampled under the same conditions (the same images beside them,
// the same load) and records the same concurrency. Each side arrives when its image is built; the
// phase starts once every side it waits for has arrived or dropped out (a failed build, a stored
// result), so a side never waits for one that will not come.
import type { RuntimePhase, RuntimeSlots } from './runtime-slots.ts';

interface Arrival {
  fn: (phase: RuntimePhase) => Promise<unknown>;
  resolve: (value: unknown) => void;
  reject: (err: unknown) => void;
}

export class PlatformPhase {
  readonly #runtime: RuntimeSlots;
  readonly #engine: string;
  readonly #signal: AbortSignal;
  #waiting: number;
  readonly #arrived: Arrival[] = [];

  /** `sides`: how many sides may arrive (those not taken from the store). */
  constructor(runtime: RuntimeSlots, engine: string, sides: number, signal: AbortSignal) {
    this.#runtime = runtime;
    this.#engine = engine;
    this.#waiting = sides;
    this.#signal = signal;
  }

  /** Runs `fn` in the platform's phase, beside the other sides that arrive. */
  run<T>(fn: (phase: RuntimePhase) => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.#arrived.push({ fn, resolve: resolve as (v: unknown) => void, reject });
      this.#waiting--;
      this.#startWhenComplete();
    });
  }

  /** A side that will not arrive (its build failed, or it was reused). */
  leave(): void {
    this.#waiting--;
    this.#startWhenComplete();
  }

  #startWhenComplete(): void {
    if (this.#waiting > 0 || this.#arrived.length === 0) return;
    const arrived = this.#arrived.splice(0);
    this.#runtime
      .run(this.#engine, this.#signal, (phase) => Promise.allSettled(arrived.map((a) => a.fn(phase).then(a.resolve, a.reject))))
      // Cancelled while waiting for a slot: every side hears it.
      .catch((err: unknown) => arrived.forEach((a) => a.reject(err)));
  }
}
