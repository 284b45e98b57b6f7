// Tags and paths reach git argv, URLs and cache file names: refuse anything that could be read
// as an option (`-x`), climb out of a directory (`..`) or hide a revision expression (`@{`).

import { UpstreamError } from '../core/index.ts';

const REF = /^[A-Za-z0-9][A-Za-z0-9._/+-]*$/;

export function checkRef(tag: string): void {
  if (!REF.test(tag) || tag.includes('..') || tag.endsWith('/') || tag.endsWith('.lock')) {
    throw new UpstreamError('upstream-bad-ref', `"${tag}" is not a usable tag name.`);
  }
}

export function checkPath(path: string): void {
  const parts = path.split('/');
  if (path === '' || path.includes('\0') || parts.some((p) => p === '' || p === '.' || p === '..')) {
    throw new UpstreamError('upstream-bad-path', `"${path}" is not a repository-relative file path.`);
  }
}

/** Tags and full commit ids never change, so what we read at them may be cached for good. */
export function isImmutableRef(tag: string): boolean {
  return /^v\d+\.\d+\.\d+([-+][0-9A-Za-z.-]+)?$/.test(tag) || /^[0-9a-f]{40}$/.test(tag);
}

/** The `code` of a Node system error (ENOENT, EACCES…), if it is one. */
export function errnoCode(err: unknown): string | undefined {
  return err instanceof Error && 'code' in err && typeof err.code === 'string' ? err.code : undefined;
}
