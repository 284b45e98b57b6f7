// Read a response body as text, but never more than `maxBytes`: a 50 MB PR diff is refused
// after the limit, without holding it in memory: a stranger's input never costs unbounded memory.
import { ForgeError } from '../errors.ts';
import type { ForgeKind } from './types.ts';

/** 10 MiB: a Renovate bump changes a handful of lines; GitHub itself stops rendering diffs far below this. */
export const DEFAULT_MAX_DIFF_BYTES = 10 * 1024 * 1024;

/** 1 MiB per file: the bot reads configs, Dockerfiles and recipe scripts, all far smaller (a 300 MB file once took it to 1.1 GB). */
export const DEFAULT_MAX_FILE_BYTES = 1024 * 1024;

const WHY: Record<string, string> = {
  getDiff: 'a Tailscale bump changes a few lines',
  readFile: 'configs, Dockerfiles and recipe scripts are far smaller',
};

export async function readTextCapped(
  body: ReadableStream<Uint8Array> | null,
  maxBytes: number,
  where: { forge: ForgeKind; op: string; declaredBytes?: number; what?: string },
): Promise<string> {
  if (body === null) return '';
  const tooLarge = () =>
    new ForgeError(
      { forge: where.forge, op: where.op, code: 'too-large', retryable: false },
      `${where.forge === 'github' ? 'GitHub' : 'Gitea'} API call ${where.op}${where.what ? ` of ${where.what}` : ''}: the answer is over ${Math.round(maxBytes / 1024 / 1024)} MiB, more than bumpguard reads (${WHY[where.op] ?? 'bumpguard reads small texts only'}).`,
    );
  if (where.declaredBytes !== undefined && where.declaredBytes > maxBytes) {
    await body.cancel();
    throw tooLarge();
  }
  const reader = body.getReader();
  const decoder = new TextDecoder();
  const parts: string[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel();
      throw tooLarge();
    }
    parts.push(decoder.decode(value, { stream: true }));
  }
  parts.push(decoder.decode());
  return parts.join('');
}
