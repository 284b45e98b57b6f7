// Upstream files from GitHub's REST API: one contents request with the raw media type per file
// (https://docs.github.com/en/rest/repos/contents#get-repository-content). On a 404 a second,
// tiny request tells a missing file (null) from a missing tag (UpstreamError).
import { UpstreamError } from '../../errors.ts';
import { checkPath, checkRef } from './check-ref.ts';
import type { UpstreamSource } from './types.ts';

export interface GithubUpstreamOptions {
  /** "owner/name", e.g. "tailscale/tailscale". */
  repo: string;
  /** Optional token: raises the rate limit from 60 to 5,000 requests an hour. */
  token?: string;
  /** Injected fetch (tests); defaults to the global one. */
  fetch?: typeof fetch;
  /** API root; defaults to https://api.github.com (GitHub Enterprise: https://HOST/api/v3). */
  apiUrl?: string;
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
      throw new UpstreamError('upstream-unreachable', `Cannot reach the GitHub API at ${api}; check the network or use --upstream DIR.`, { cause: err });
    }
  };
  return {
    describe: `github ${repo}`,
    async readFile(tag, path) {
      checkRef(tag);
      checkPath(path);
      const ref = encodeURIComponent(tag);
      const file = await get(`${api}/repos/${repo}/contents/${path.split('/').map(encodeURIComponent).join('/')}?ref=${ref}`, 'application/vnd.github.raw+json');
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
}

async function responseError(res: Response, what: string): Promise<UpstreamError> {
  const body = (await res.text()).slice(0, 200);
  const remaining = res.headers.get('x-ratelimit-remaining');
  if (res.status === 429 || (res.status === 403 && (remaining === '0' || res.headers.has('retry-after')))) {
    const reset = Number(res.headers.get('x-ratelimit-reset'));
    const when = Number.isFinite(reset) && reset > 0 ? ` until ${new Date(reset * 1000).toISOString()}` : '';
    return new UpstreamError('upstream-rate-limited', `GitHub's API rate limit is used up${when}; set a token (GITHUB_TOKEN) or use --upstream DIR.`);
  }
  if (res.status === 401) return new UpstreamError('upstream-unauthorized', 'GitHub rejected the token; check GITHUB_TOKEN.');
  if (res.status >= 500) return new UpstreamError('upstream-unavailable', `GitHub answered ${res.status} reading ${what}; try again later.`);
  return new UpstreamError('upstream-bad-response', `GitHub answered ${res.status} reading ${what}: ${body}`);
}
