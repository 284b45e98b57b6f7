// Upstream files from a plain directory laid out as <dir>/<tag>/<path>: for tests and for
// maintainers who keep a few files of each release around.
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { UpstreamError } from '../../errors.ts';
import { checkPath, checkRef } from './check-ref.ts';
import { errnoCode } from './errno-code.ts';
import type { UpstreamSource } from './types.ts';

export function fixturesUpstream(dir: string): UpstreamSource {
  const tagDir = async (tag: string): Promise<string> => {
    const path = join(dir, tag);
    const info = await stat(path).catch((err: unknown) => {
      if (errnoCode(err) === 'ENOENT') return null;
      throw new UpstreamError('upstream-unreadable', `Cannot read ${path}.`, { cause: err });
    });
    if (!info?.isDirectory()) throw new UpstreamError('upstream-tag-missing', `No directory for tag ${tag} in ${dir}.`);
    return path;
  };
  return {
    describe: `fixtures ${dir}`,
    async listDir(tag, path) {
      checkRef(tag);
      if (path !== '') checkPath(path);
      const root = await tagDir(tag);
      try {
        return (await readdir(join(root, path), { withFileTypes: true })).filter((e) => e.isFile()).map((e) => e.name).sort();
      } catch (err) {
        const code = errnoCode(err);
        if (code === 'ENOENT' || code === 'ENOTDIR') return null;
        throw new UpstreamError('upstream-unreadable', `Cannot list ${path} for ${tag} in ${dir}.`, { cause: err });
      }
    },
    async readFile(tag, path) {
      checkRef(tag);
      checkPath(path);
      const root = await tagDir(tag);
      try {
        return await readFile(join(root, path), 'utf8');
      } catch (err) {
        const code = errnoCode(err);
        if (code === 'ENOENT' || code === 'ENOTDIR' || code === 'EISDIR') return null;
        throw new UpstreamError('upstream-unreadable', `Cannot read ${path} for ${tag} in ${dir}.`, { cause: err });
      }
    },
  };
}
