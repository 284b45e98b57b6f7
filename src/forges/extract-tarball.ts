// Stream a forge archive (.tar.gz) into a directory: strip the top folder both forges add
// (GitHub "owner-repo-sha7/", Gitea "repo/"), refuse anything that could write or point
// outside the directory. The tree may come from a fork PR, so it is untrusted input.
import { createWriteStream } from 'node:fs';
import { link, mkdir, symlink } from 'node:fs/promises';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { extract, type Header } from 'tar-stream';
import { CancelledError, ForgeError, messageOf, type ForgeKind } from '../core/index.ts';

export interface ExtractLimits {
  /** Sum of regular file bytes. */
  maxBytes: number;
  maxEntries: number;
  /** Path components per entry (node-tar's default is 1024; 40,000 once blocked the event loop for 38 s). */
  maxDepth: number;
  /** Characters per entry name or link target (Linux PATH_MAX). */
  maxPathChars: number;
}

/** A router image's repository is a few megabytes; these leave room for vendored sources. */
const DEFAULT_LIMITS: ExtractLimits = { maxBytes: 256 * 1024 * 1024, maxEntries: 200_000, maxDepth: 1024, maxPathChars: 4096 };

interface ExtractState {
  dest: string;
  /** Symlinks created so far: relative path → target as written in the archive. */
  links: Map<string, string>;
  files: Set<string>;
  bytes: number;
  entries: number;
}

export async function extractTarball(
  source: Readable,
  destDir: string,
  opts: { forge: ForgeKind; signal: AbortSignal; limits?: ExtractLimits },
): Promise<{ files: number }> {
  const limits = opts.limits ?? DEFAULT_LIMITS;
  const state: ExtractState = { dest: destDir, links: new Map(), files: new Set(), bytes: 0, entries: 0 };
  const reject = (why: string) =>
    new ForgeError(
      { forge: opts.forge, op: 'downloadTree', code: 'bad-response', retryable: false },
      `The source archive was refused: ${why}.`,
    );
  const ex = extract();
  const feeding = pipeline(source, createGunzip(), ex, { signal: opts.signal });
  // Errors we raise name the bad entry; errors of the stream itself surface through `feeding`.
  let entryError = null as { error: unknown } | null;
  const consuming = (async () => {
    for await (const entry of ex) {
      try {
        state.entries += 1;
        if (state.entries > limits.maxEntries) throw reject(`more than ${limits.maxEntries} entries`);
        await writeEntry(state, entry.header, entry, limits, reject);
      } catch (err) {
        entryError = { error: err };
        ex.destroy(err instanceof Error ? err : new Error(messageOf(err)));
        throw err;
      }
    }
  })();
  const [fed] = await Promise.allSettled([feeding, consuming]);
  if (opts.signal.aborted) throw new CancelledError('Download of the source archive was cancelled.', { cause: opts.signal.reason });
  if (entryError !== null) throw entryError.error;
  if (fed.status === 'rejected') throw reject(`it is not a readable .tar.gz (${messageOf(fed.reason)})`);
  // A link may only be judged once every link it can pass through exists.
  for (const path of state.links.keys()) {
    if (!staysInside(path.split('/'), state.links)) throw reject(`the link ${path} points outside the tree`);
  }
  return { files: state.files.size };
}

async function writeEntry(
  state: ExtractState,
  header: Header,
  stream: { resume(): unknown } & AsyncIterable<unknown>,
  limits: ExtractLimits,
  reject: (why: string) => ForgeError,
): Promise<void> {
  if (header.name.length > limits.maxPathChars || (header.linkname ?? '').length > limits.maxPathChars) {
    throw reject(`an entry name or link target is longer than ${limits.maxPathChars} characters`);
  }
  const parts = relativeParts(header.name);
  if (parts === null) throw reject(`the entry ${JSON.stringify(header.name)} escapes the tree`);
  if (parts.length > limits.maxDepth) throw reject(`an entry is nested deeper than ${limits.maxDepth} directories`);
  const rel = parts.join('/');
  if (parts.length === 0 || !['file', 'contiguous-file', 'directory', 'symlink', 'link'].includes(header.type)) {
    stream.resume();
    return;
  }
  let prefix = '';
  for (const part of parts) {
    prefix = prefix === '' ? part : `${prefix}/${part}`;
    if (state.links.has(prefix)) throw reject(`the entry ${rel} would be written through the link ${prefix}`);
  }
  const target = join(state.dest, ...parts);
  if (header.type === 'directory') {
    stream.resume();
    await mkdir(target, { recursive: true });
    return;
  }
  await mkdir(join(state.dest, ...parts.slice(0, -1)), { recursive: true });
  if (header.type === 'symlink') {
    stream.resume();
    const to = header.linkname ?? '';
    if (to === '' || to.startsWith('/')) throw reject(`the link ${rel} points to ${JSON.stringify(to)}, outside the tree`);
    state.links.set(rel, to);
    await symlink(to, target);
    return;
  }
  if (header.type === 'link') {
    stream.resume();
    const from = relativeParts(header.linkname ?? '');
    if (from === null || !state.files.has(from.join('/'))) throw reject(`the hard link ${rel} does not point to a file of the tree`);
    await link(join(state.dest, ...from), target);
    state.files.add(rel);
    return;
  }
  state.bytes += header.size ?? 0;
  if (state.bytes > limits.maxBytes) throw reject(`its files exceed ${limits.maxBytes} bytes`);
  // Keep the execute bits (build scripts), drop setuid/sticky and group/other write.
  await pipeline(stream, createWriteStream(target, { mode: (header.mode ?? 0o644) & 0o755 }));
  state.files.add(rel);
}

/** Archive name without its top folder; null when it is absolute or climbs with "..". */
function relativeParts(name: string): string[] | null {
  if (name.startsWith('/')) return null;
  const parts = name.split('/').filter((p) => p !== '' && p !== '.');
  if (parts.includes('..')) return null;
  return parts.slice(1);
}

/**
 * Resolve a path the way the kernel would, following the archive's own links, and say
 * whether it stays inside the root. A purely textual check is not enough: with `a -> .`,
 * `c/b -> ../a/a/..` looks harmless but leaves the root.
 */
function staysInside(start: string[], links: Map<string, string>): boolean {
  const pending = [...start];
  const resolved: string[] = [];
  let hops = 0;
  while (pending.length > 0) {
    const part = pending.shift() as string;
    if (part === '' || part === '.') continue;
    if (part === '..') {
      if (resolved.length === 0) return false;
      resolved.pop();
      continue;
    }
    const here = [...resolved, part].join('/');
    const to = links.get(here);
    if (to === undefined) {
      resolved.push(part);
      continue;
    }
    if (++hops > 40 || to.startsWith('/')) return false;
    // Splice the raw target in: normalising it first would collapse "x/.." across links.
    pending.unshift(...to.split('/'));
  }
  return true;
}
