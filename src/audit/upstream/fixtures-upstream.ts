// Upstream files from a plain directory laid out as <dir>/<tag>/<path>: for tests and for
// maintainers who keep a few files of each release around.
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { UpstreamError } from '../../errors.ts';
import { checkPath, checkRef } from './check-ref.ts';
import { errnoCode } from './errno-code.ts';
import type { UpstreamSource } from './types.ts';

export function fixturesUpstream(dir: string): UpstreamSource {
  return {
    describe: `fixtures ${dir}`,
    async readFile(tag, path) {
      checkRef(tag);
      checkPath(path);
      const tagDir = join(dir, tag);
      const info = await stat(tagDir).catch((err: unknown) => {
        if (errnoCode(err) === 'ENOENT') return null;
        throw new UpstreamError('upstream-unreadable', `Cannot read ${tagDir}.`, { cause: err });
      });
      if (!info?.isDirectory()) throw new UpstreamError('upstream-tag-missing', `No directory for tag ${tag} in ${dir}.`);
      try {
        return await readFile(join(tagDir, path), 'utf8');
      } catch (err) {
        const code = errnoCode(err);
        if (code === 'ENOENT' || code === 'ENOTDIR' || code === 'EISDIR') return null;
        throw new UpstreamError('upstream-unreadable', `Cannot read ${path} for ${tag} in ${dir}.`, { cause: err });
      }
    },
  };
}
