// Upstream files from GitHub's REST API: one contents request with the raw media type per file
// (https://docs.github.com/en/rest/repos/contents#get-repository-content). On a 404 a second,
// tiny request tells a missing file (null) from a missing tag (UpstreamError).

import { UpstreamError, type UpstreamCommit, type UpstreamSource } from '../core/index.ts';
import { checkPath, checkRef } from './check-ref.ts';

/** GitHub's compare endpoint lists at most this many commits of a range. */
const COMPARE_LIMIT = 250;
/** Parallel requests when a history read needs one per commit or file. */
const PARALLEL = 8;

export interface GithubUpstreamOptions {
  /** "owner/name", e.g. "tailscale/tailscale". */
  repo: string;
  /** Optional token: raises the rate limit from 60 to 5,000 requests an hour. */
  token?: string | undefined;
  /** Injected fetch (tests); defaults to the global one. */
  fetch?: typeof fetch | undefined;
  /** API root; defaults to https://api.github.com (GitHub Enterprise: https://HOST/api/v3). */
  apiUrl?: string | undefined;
}

export function githubUpstream(options: GithubUpstreamOptions): UpstreamSource {
  const { repo, token } = options;
  const doFetch = options.fetch ?? globalThis.fetch;
  const api = (options.apiUrl ?? 'https://api.github.com').replace(/\/+$/, '');
  if (!/^[\w.-]+\/[\w.-]+$/.test(repo)) throw new UpstreamError('upstream-bad-repo', `"${repo}" is not an owner/name repository.`);
  const get = async (url: string, accept: string): Promise<Response> => {
    const headers: Record<string, string> = { accept, 'user-agent': 'bumpguard', 'x-github-api-version': '2022-11-28' };
    if (token) headers.authorization = `Bearer ${token}`;
    try {
      return await doFetch(url, { headers });
    } catch (err) {
      throw new UpstreamError('upstream-unreachable', `Cannot reach the GitHub API at ${api}; check the network or use --upstream DIR.`, {
        cause: err,
      });
    }
  };
  const getJson = async (url: string, what: string): Promise<unknown> => {
    const res = await get(url, 'application/vnd.github+json');
    if (!res.ok) throw await responseError(res, what);
    return await res.json();
  };
  const exists = async (tag: string): Promise<boolean> => {
    const commit = await get(`${api}/repos/${repo}/commits/${encodeURIComponent(tag)}`, 'application/vnd.github.sha');
    if (commit.ok) {
      await commit.body?.cancel();
      return true;
    }
    if (commit.status === 404 || commit.status === 422) return false;
    throw await responseError(commit, `tag ${tag}`);
  };
  const source: UpstreamSource = {
    describe: `github ${repo}`,
    async listDir(tag, path) {
      checkRef(tag);
      if (path !== '') checkPath(path);
      const res = await get(
        `${api}/repos/${repo}/contents/${path.split('/').map(encodeURIComponent).join('/')}?ref=${encodeURIComponent(tag)}`,
        'application/vnd.github+json',
      );
      if (res.status === 404) {
        await res.body?.cancel();
        if (await exists(tag)) return null;
        throw new UpstreamError('upstream-tag-missing', `Tag ${tag} (or the repository ${repo}) does not exist on GitHub.`);
      }
      if (!res.ok) throw await responseError(res, `${path} at ${tag}`);
      const body = await res.json();
      // A file path answers with an object, a directory with an array of entries.
      if (!Array.isArray(body)) return null;
      return (body as unknown[]).filter(isFileEntry).map((e) => e.name);
    },
    history: {
      describe: `GitHub compare API for ${repo}`,
      async log(from, to) {
        checkRef(from);
        checkRef(to);
        // https://docs.github.com/en/rest/commits/commits#compare-two-commits: paginated, 250 commits at most.
        const listed: { sha: string; commit: { message: string } }[] = [];
        let total = 0;
        for (let page = 1; listed.length < COMPARE_LIMIT; page++) {
          const body = (await getJson(
            `${api}/repos/${repo}/compare/${encodeURIComponent(from)}...${encodeURIComponent(to)}?per_page=100&page=${page}`,
            `compare ${from}...${to}`,
          )) as { total_commits?: number; commits?: { sha: string; commit: { message: string } }[] };
          total = body.total_commits ?? 0;
          const commits = body.commits ?? [];
          listed.push(...commits);
          if (commits.length < 100) break;
        }
        // Compare lists oldest first; git log (and the report) newest first.
        const newestFirst = listed.slice(0, COMPARE_LIMIT).reverse();
        const commits = await inBatches(newestFirst, async (c): Promise<UpstreamCommit> => {
          const detail = (await getJson(`${api}/repos/${repo}/commits/${c.sha}`, `commit ${c.sha}`)) as { files?: { filename: string }[] };
          return { sha: c.sha, subject: c.commit.message.split('\n')[0] ?? '', files: (detail.files ?? []).map((f) => f.filename) };
        });
        const truncated =
          total > commits.length
            ? `GitHub's compare API lists at most ${COMPARE_LIMIT} commits; ${total - commits.length} more of the ${total} are not shown (use a local mirror, --upstream DIR, for all of them)`
            : undefined;
        return { commits, ...(truncated && { truncated }) };
      },
      async buildLines(tag, paths) {
        const found = new Map<string, string>();
        await inBatches(paths, async (path) => {
          const text = await source.readFile(tag, path);
          const line = text?.split('\n').find((l) => l.startsWith('//go:build '));
          if (line !== undefined) found.set(path, line);
        });
        return found;
      },
    },
    async readFile(tag, path) {
      checkRef(tag);
      checkPath(path);
      const ref = encodeURIComponent(tag);
      const file = await get(
        `${api}/repos/${repo}/contents/${path.split('/').map(encodeURIComponent).join('/')}?ref=${ref}`,
        'application/vnd.github.raw+json',
      );
      if (file.ok) return await file.text();
      if (file.status !== 404) throw await responseError(file, `${path} at ${tag}`);
      await file.body?.cancel();
      const commit = await get(`${api}/repos/${repo}/commits/${ref}`, 'application/vnd.github.sha');
      if (commit.ok) {
        await commit.body?.cancel();
        return null;
      }
      if (commit.status === 404 || commit.status === 422) {
        throw new UpstreamError('upstream-tag-missing', `Tag ${tag} (or the repository ${repo}) does not exist on GitHub.`);
      }
      throw await responseError(commit, `tag ${tag}`);
    },
  };
  return source;
}

async function inBatches<T, R>(items: T[], fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = [];
  for (let k = 0; k < items.length; k += PARALLEL) out.push(...(await Promise.all(items.slice(k, k + PARALLEL).map(fn))));
  return out;
}

async function responseError(res: Response, what: string): Promise<UpstreamError> {
  const body = (await res.text()).slice(0, 200);
  const remaining = res.headers.get('x-ratelimit-remaining');
  if (res.status === 429 || (res.status === 403 && (remaining === '0' || res.headers.has('retry-after')))) {
    const reset = Number(res.headers.get('x-ratelimit-reset'));
    const when = Number.isFinite(reset) && reset > 0 ? ` until ${new Date(reset * 1000).toISOString()}` : '';
    return new UpstreamError(
      'upstream-rate-limited',
      `GitHub's API rate limit is used up${when}; set a token (GITHUB_TOKEN) or use --upstream DIR.`,
    );
  }
  if (res.status === 401) return new UpstreamError('upstream-unauthorized', 'GitHub rejected the token; check GITHUB_TOKEN.');
  if (res.status >= 500)
    return new UpstreamError('upstream-unavailable', `GitHub answered ${res.status} reading ${what}; try again later.`);
  return new UpstreamError('upstream-bad-response', `GitHub answered ${res.status} reading ${what}: ${body}`);
}

function isFileEntry(e: unknown): e is { name: string; type: 'file' } {
  const entry = e as { name?: unknown; type?: unknown } | null;
  return typeof entry?.name === 'string' && entry.type === 'file';
}
