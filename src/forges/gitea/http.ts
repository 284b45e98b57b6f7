// Gitea REST client: token auth, typed errors, zod-checked JSON and pagination in one place
// (as renovatebot/renovate lib/util/http/gitea.ts). Endpoint functions live in api.ts.
import { z } from 'zod';
import { ForgeError } from '../../errors.ts';
import { forgeErrorFromHttp } from '../forge-error-from-http.ts';
import { parseWire } from '../parse-wire.ts';
import { withRetry, type RetryPolicy } from '../with-retry.ts';

export interface GiteaHttp {
  /** Instance root, e.g. https://git.example.com (a sub-path install keeps its path). */
  baseUrl: string;
  token: string;
  fetch: typeof fetch;
  retry: RetryPolicy;
  /** Told before each retry (the adapter's owner logs it). */
  onRetry?: ((op: string, err: ForgeError, delayMs: number, attempt: number) => void) | undefined;
}

export interface RequestOptions {
  method?: 'GET' | 'POST' | 'PATCH';
  json?: unknown;
  accept?: string;
  signal?: AbortSignal;
  /** Answer null instead of throwing on 404 (readFile, permission of an unknown user). */
  allow404?: boolean;
  /**
   * Safe to send twice (default: every method but POST). A POST that is not (creating a comment)
   * is retried only when rate-limited: a 502 may come after the comment was created.
   */
  idempotent?: boolean;
}

/** Percent-encode each path segment ("a b/c" → "a%20b/c"). */
export function encodePath(path: string): string {
  return path.split('/').map(encodeURIComponent).join('/');
}

export function request(http: GiteaHttp, op: string, path: string, opts: RequestOptions = {}): Promise<Response | null> {
  const idempotent = opts.idempotent ?? (opts.method ?? 'GET') !== 'POST';
  return withRetry(() => requestOnce(http, op, path, opts), http.retry, {
    signal: opts.signal,
    retryable: (err) => idempotent || err.code === 'rate-limited',
    onRetry: (err, delayMs, attempt) => http.onRetry?.(op, err, delayMs, attempt),
  });
}

async function requestOnce(http: GiteaHttp, op: string, path: string, opts: RequestOptions): Promise<Response | null> {
  const url = `${http.baseUrl.replace(/\/+$/, '')}/api/v1${path}`;
  const headers: Record<string, string> = { authorization: `token ${http.token}`, accept: opts.accept ?? 'application/json' };
  if (opts.json !== undefined) headers['content-type'] = 'application/json';
  let res: Response;
  try {
    res = await http.fetch(url, {
      method: opts.method ?? 'GET',
      headers,
      ...(opts.json === undefined ? {} : { body: JSON.stringify(opts.json) }),
      ...(opts.signal ? { signal: opts.signal } : {}),
    });
  } catch (err) {
    if (opts.signal?.aborted) throw err;
    throw forgeErrorFromHttp({ forge: 'gitea', op, cause: err });
  }
  if (res.status === 404 && opts.allow404) {
    await res.body?.cancel();
    return null;
  }
  if (!res.ok) {
    const detail = await res.text();
    throw forgeErrorFromHttp({ forge: 'gitea', op, status: res.status, header: (n) => res.headers.get(n) ?? undefined, cause: new Error(detail.slice(0, 500)) });
  }
  return res;
}

export async function getJson<S extends z.ZodType>(http: GiteaHttp, op: string, path: string, schema: S, opts: RequestOptions = {}): Promise<z.output<S>> {
  const res = await request(http, op, path, opts);
  return parseBody(op, res, schema);
}

export async function parseBody<S extends z.ZodType>(op: string, res: Response | null, schema: S): Promise<z.output<S>> {
  if (res === null) throw new ForgeError({ forge: 'gitea', op, code: 'not-found', status: 404 }, `Gitea API call ${op} found nothing.`);
  const raw: unknown = await res.json().catch((err: unknown) => {
    throw new ForgeError({ forge: 'gitea', op, code: 'bad-response', status: res.status, cause: err }, `Gitea API call ${op} did not answer JSON.`);
  });
  return parseWire('gitea', op, schema, raw, res.status);
}

const PAGE_LIMIT = 50;
const MAX_PAGES = 100;

/**
 * Every item of a listing. Stops on a short page, at X-Total-Count, or when a page brings
 * nothing new: some endpoints (issue comments) ignore page/limit and return everything.
 */
export async function paginate<S extends z.ZodType>(
  http: GiteaHttp,
  op: string,
  path: string,
  itemSchema: S,
  key: (item: z.output<S>) => string | number,
): Promise<z.output<S>[]> {
  const items: z.output<S>[] = [];
  const seen = new Set<string | number>();
  for (let page = 1; page <= MAX_PAGES; page++) {
    const sep = path.includes('?') ? '&' : '?';
    const res = await request(http, op, `${path}${sep}page=${page}&limit=${PAGE_LIMIT}`);
    const total = Number(res?.headers.get('x-total-count') ?? Number.NaN);
    const batch: z.output<S>[] = await parseBody(op, res, z.array(itemSchema));
    const fresh = batch.filter((item) => !seen.has(key(item)));
    for (const item of fresh) {
      seen.add(key(item));
      items.push(item);
    }
    if (fresh.length === 0 || batch.length < PAGE_LIMIT || items.length >= total) break;
  }
  return items;
}
