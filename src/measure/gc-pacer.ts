// V8 frees dead Buffers lazily: external memory may grow ~64 MiB past the last collection
// before it collects again, so streaming a 100 MB archive through fresh read buffers peaks
// tens of MB above the real working set. When the process runs with --expose-gc, a
// collection every few MiB read or decompressed keeps the peak near the working set
// (bench:analyse shows both).

type GcFunction = (options?: { type?: 'major' | 'minor'; execution?: 'sync' | 'async' }) => unknown;

export const GC_EVERY_BYTES = 8 * 1024 * 1024;

/** A byte counter that starts a major GC every `everyBytes`; a no-op when `gc` is not exposed. */
export function createGcPacer(everyBytes: number, gc: unknown = (globalThis as { gc?: unknown }).gc): (bytes: number) => void {
  if (typeof gc !== 'function') return () => {};
  const collect = gc as GcFunction;
  let since = 0;
  return (bytes) => {
    since += bytes;
    if (since < everyBytes) return;
    since = 0;
    // Incremental marking instead of a stop-the-world pause: the bot keeps answering webhooks.
    void collect({ type: 'major', execution: 'async' });
  };
}
