// One audit reads an upstream file for several reasons (a watched symbol in the file a sed edits,
// a package clause): share each read, so a cold cache costs one read per distinct file.
import type { UpstreamSource } from './upstream/types.ts';

export function memoizeUpstream(inner: UpstreamSource): UpstreamSource {
  const files = new Map<string, Promise<string | null>>();
  const dirs = new Map<string, Promise<string[] | null>>();
  const once = <T>(cache: Map<string, Promise<T>>, key: string, read: () => Promise<T>): Promise<T> => {
    let hit = cache.get(key);
    if (hit === undefined) {
      hit = read();
      cache.set(key, hit);
    }
    return hit;
  };
  return {
    describe: inner.describe,
    readFile: (tag, path) => once(files, `${tag}\0${path}`, () => inner.readFile(tag, path)),
    ...(inner.listDir && { listDir: (tag: string, dir: string) => once(dirs, `${tag}\0${dir}`, () => inner.listDir!(tag, dir)) }),
    ...(inner.history && { history: inner.history }),
  };
}
