// The webhook entry: one node:http server for both forges. It verifies, parses, hands the job
// to `onJob` (which only enqueues) and answers at once — it never builds inside a request
// (GitHub gives up on a delivery after 10 s; octokit/webhooks.js
// src/middleware/create-middleware.ts). Routes of an unconfigured forge are 404.

import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import type { ProbotOctokit } from 'probot';
import type { BotJob } from '../bot/index.ts';
import { GiteaForge, GitHubForge, type CheckRunMemo } from '../forges/index.ts';
import type { Forge, ForgeIdStore } from '../core/index.ts';
import { InMemoryJobState, StoreError } from '../store/index.ts';
import { createGiteaRoute, createGithubRoute, type GiteaServerConfig, type GithubServerConfig } from './forge-routes.ts';
import { sendJson, type OnJob, type Route } from './webhook-route.ts';

export interface ServerOptions {
  github?: GithubServerConfig;
  gitea?: GiteaServerConfig;
  /** Record and enqueue a verified, normalised delivery. Must return quickly; a throw answers 500. */
  onJob: OnJob;
  log: Logger;
  /** Where GitHub check-run ids are kept across jobs (default: in memory). */
  forgeIds?: ForgeIdStore;
  /** Largest accepted webhook body (default DEFAULT_LIMITS.bodyLimitBytes). */
  bodyLimitBytes?: number;
  /**
   * Bytes of webhook bodies held at once, each delivery counted at its Content-Length (the body
   * limit when it sends none); a delivery past it is answered 503 without being read.
   */
  bodyBytesInFlight?: number;
  /** Time a client gets to send its request headers, and the whole request. */
  headersTimeoutMs?: number;
  requestTimeoutMs?: number;
  /** Why the server cannot work now (e.g. the disk is full); /healthz answers 503 with them. */
  problems?: () => string[];
}

/**
 * Limits on what an unauthenticated client can make the server hold: bodies are read before
 * their signature can be checked. 200 slow connections once held 1.2 GB.
 * - 1 MiB body: the largest payload of @octokit/webhooks-examples is 27 KB, and an
 *   issue_comment whose comment and issue bodies are both 65,536 characters of `<` (escaped
 *   as \u003c, the worst case) is 537 KB;
 * - 32 MiB of bodies in flight, each counted at its declared length: whatever the number of
 *   connections, at most that is buffered, while a burst of real deliveries (13–30 KB each, a
 *   Renovate run opening many PRs at once) is never refused: neither forge redelivers a 503 by
 *   itself, and a delivery refused is a PR whose required gate never comes;
 * - 5 s for headers, 10 s for a whole delivery: a real one arrives in milliseconds.
 */
const DEFAULT_LIMITS = {
  bodyLimitBytes: 1024 * 1024,
  bodyBytesInFlight: 32 * 1024 * 1024,
  headersTimeoutMs: 5000,
  requestTimeoutMs: 10_000,
} as const;

export interface BumpguardServer {
  http: Server;
  /** Shutdown step 1: webhooks answer 503 (the forge shows it; redeliver later), /healthz says draining. */
  stopAccepting(): void;
  /** The Forge a job acts through (GitHub: the job's installation; Gitea: the token's account). */
  forgeFor(job: Pick<BotJob, 'forge' | 'repo' | 'installationId'>): Promise<Forge>;
  listen(port: number, host?: string): Promise<AddressInfo>;
  close(): Promise<void>;
}

const WEBHOOK_PATHS = { github: '/api/github/webhooks', gitea: '/api/gitea/webhooks' } as const;

export function createServer(opts: ServerOptions): BumpguardServer {
  const log = opts.log;
  const bodyLimit = opts.bodyLimitBytes ?? DEFAULT_LIMITS.bodyLimitBytes;
  const budget = opts.bodyBytesInFlight ?? DEFAULT_LIMITS.bodyBytesInFlight;
  let inFlight = 0;
  const routeDeps = { onJob: opts.onJob, log, bodyLimit };
  const github = opts.github ? createGithubRoute(opts.github, routeDeps) : null;
  const gitea = opts.gitea ? createGiteaRoute(opts.gitea, routeDeps) : null;
  const routes: Record<string, Route | null> = { [WEBHOOK_PATHS.github]: github?.route ?? null, [WEBHOOK_PATHS.gitea]: gitea };
  const configured = [github ? 'github' : null, gitea ? 'gitea' : null].filter(Boolean);

  let draining = false;
  const headersTimeout = opts.headersTimeoutMs ?? DEFAULT_LIMITS.headersTimeoutMs;
  const http = createHttpServer(
    {
      headersTimeout,
      requestTimeout: Math.max(headersTimeout, opts.requestTimeoutMs ?? DEFAULT_LIMITS.requestTimeoutMs),
      // Node checks both timeouts only this often (default 30 s).
      connectionsCheckingInterval: 1000,
    },
    (req, res) => {
      handle(req, res).catch((err: unknown) => {
        if (err instanceof StoreError) {
          // Logged with the SQLite code an operator greps for; the forge redelivers later.
          log.error(
            { err, sqlite: err.code === 'store-full' ? 'SQLITE_FULL' : 'SQLITE_BUSY', url: req.url },
            'delivery not recorded: the database refused the write',
          );
          if (!res.headersSent) return sendJson(res, 503, { error: `${err.userMessage} Redeliver it later.` }, { 'retry-after': '30' });
        } else log.error({ err, url: req.url }, 'request failed');
        if (!res.headersSent) sendJson(res, 500, { error: 'internal error; see the server log' });
        else res.destroy();
      });
    },
  );

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    if (path === '/healthz') {
      if (draining) return sendJson(res, 503, { status: 'draining', forges: configured });
      const problems = opts.problems?.() ?? [];
      return problems.length > 0
        ? sendJson(res, 503, { status: 'unhealthy', problems, forges: configured })
        : sendJson(res, 200, { status: 'ok', forges: configured });
    }
    if (!(path in routes)) return sendJson(res, 404, { error: `no route ${path}` });
    if (draining) {
      // Nothing is read or recorded: the delivery shows as failed and can be redelivered.
      return sendJson(
        res,
        503,
        { error: 'bumpguard is shutting down; redeliver this delivery once it is back' },
        { connection: 'close', 'retry-after': '30' },
      );
    }
    const route = routes[path];
    if (!route)
      return sendJson(res, 404, { error: `${path === WEBHOOK_PATHS.github ? 'GitHub' : 'Gitea'} is not configured on this server` });
    if (req.method !== 'POST') return sendJson(res, 405, { error: 'webhooks are POSTed' }, { allow: 'POST' });
    // Node's parser reads no more than Content-Length, and the route refuses a body past the limit.
    const declared = Number(req.headers['content-length']);
    const claim = Number.isSafeInteger(declared) && declared >= 0 ? Math.min(declared, bodyLimit) : bodyLimit;
    if (inFlight + claim > budget) {
      // Nothing is read: the body never reaches memory. The forge shows the failed delivery.
      return sendJson(
        res,
        503,
        { error: 'too many deliveries are being received at once; redeliver this one' },
        { connection: 'close', 'retry-after': '5' },
      );
    }
    inFlight += claim;
    try {
      await route(req, res);
    } finally {
      inFlight -= claim;
    }
  }

  const forgeFor = createForgeResolver({
    github: github ? { auth: github.auth, botLogin: github.botLogin } : null,
    gitea: opts.gitea ?? null,
    ids: opts.forgeIds ?? null,
    log,
  });

  return {
    http,
    stopAccepting: () => {
      draining = true;
    },
    forgeFor,
    listen: (port, host = '0.0.0.0') =>
      new Promise((resolve, reject) => {
        http.once('error', reject);
        http.listen(port, host, () => {
          http.off('error', reject);
          resolve(http.address() as AddressInfo);
        });
      }),
    close: () =>
      new Promise((resolve, reject) => {
        http.close((err) => (err ? reject(err) : resolve()));
        http.closeIdleConnections();
      }),
  };
}

// Turns a job into the Forge it acts through. GitHub: an installation Octokit from Probot (the
// same client `context.octokit` is), authenticated per job so tokens are fresh; Gitea: the token.

interface ForgeResolverDeps {
  github: { auth(installationId: number): Promise<ProbotOctokit>; botLogin(): Promise<string> } | null;
  gitea: GiteaServerConfig | null;
  ids: ForgeIdStore | null;
  log?: Logger;
}

function createForgeResolver(d: ForgeResolverDeps) {
  const ids: ForgeIdStore = d.ids ?? new InMemoryJobState();
  return async function forgeFor(job: Pick<BotJob, 'forge' | 'repo' | 'installationId'>): Promise<Forge> {
    if (job.forge === 'gitea') {
      if (!d.gitea) throw new Error('a Gitea job reached a server without Gitea configured');
      return new GiteaForge({
        url: d.gitea.url,
        token: d.gitea.token,
        repo: job.repo,
        botLogin: d.gitea.botLogin,
        ...(d.gitea.retry ? { retry: d.gitea.retry } : {}),
        onRetry: (op, err, delayMs, attempt) =>
          d.log?.warn({ op, status: err.status, code: err.code, delayMs, attempt, repo: job.repo }, 'Gitea API call failed; retrying'),
      });
    }
    if (!d.github || job.installationId === null) throw new Error('a GitHub job without an installation or GitHub configuration');
    const [octokit, botLogin] = await Promise.all([d.github.auth(job.installationId), d.github.botLogin()]);
    return new GitHubForge({ octokit, repo: job.repo, botLogin, checkRuns: checkRunMemo(ids, job.repo) });
  };
}

/**
 * "check-run:<sha>" → "<id>" while in progress, "<id>:completed" once finished (a bare id from older versions reads as in progress: the
 * PATCH answer tells).
 */
function checkRunMemo(ids: ForgeIdStore, repo: string): CheckRunMemo {
  return {
    get(sha) {
      const value = ids.getForgeId(repo, `check-run:${sha}`);
      const m = value === null ? null : /^(\d+)(:completed)?$/.exec(value);
      return m ? { id: Number(m[1]), completed: m[2] !== undefined } : undefined;
    },
    set: (sha, run) => ids.setForgeId(repo, `check-run:${sha}`, `${run.id}${run.completed ? ':completed' : ''}`),
  };
}
