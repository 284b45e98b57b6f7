// The webhook entry: one node:http server for both forges. It verifies, parses, hands the job
// to `onJob` (which only enqueues) and answers at once — it never builds inside a request
// (GitHub gives up on a delivery after 10 s; octokit/webhooks.js
// src/middleware/create-middleware.ts). Routes of an unconfigured forge are 404.
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import type { BotJob } from '../bot/index.ts';
import type { Forge } from '../forges/index.ts';
import type { EnqueueStatus } from '../jobs/job-queue.ts';
import { createForgeResolver, type ForgeIdStore } from './forge-resolver.ts';
import { createGiteaRoute, type GiteaServerConfig } from './gitea-route.ts';
import { createGithubRoute, type GithubServerConfig } from './github-route.ts';
import { StoreError } from '../store/index.ts';
import { sendJson, type Route } from './respond.ts';

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
  /** Webhook bodies read at once; a delivery past it is answered 503 at once. */
  maxBodiesInFlight?: number;
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
 * - 32 bodies in flight: at most 32 MiB buffered, whatever the number of connections;
 * - 5 s for headers, 10 s for a whole delivery: a real one arrives in milliseconds.
 */
export const DEFAULT_LIMITS = { bodyLimitBytes: 1024 * 1024, maxBodiesInFlight: 32, headersTimeoutMs: 5000, requestTimeoutMs: 10_000 } as const;

/** What the queue said: a duplicate is acknowledged (202) but says so in the body. */
export type OnJob = (job: BotJob) => EnqueueStatus | void | Promise<EnqueueStatus | void>;

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

export async function createServer(opts: ServerOptions): Promise<BumpguardServer> {
  const log = opts.log;
  const bodyLimit = opts.bodyLimitBytes ?? DEFAULT_LIMITS.bodyLimitBytes;
  const maxInFlight = opts.maxBodiesInFlight ?? DEFAULT_LIMITS.maxBodiesInFlight;
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
          log.error({ err, sqlite: err.code === 'store-full' ? 'SQLITE_FULL' : 'SQLITE_BUSY', url: req.url }, 'delivery not recorded: the database refused the write');
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
      return problems.length > 0 ? sendJson(res, 503, { status: 'unhealthy', problems, forges: configured }) : sendJson(res, 200, { status: 'ok', forges: configured });
    }
    if (!(path in routes)) return sendJson(res, 404, { error: `no route ${path}` });
    if (draining) {
      // Nothing is read or recorded: the delivery shows as failed and can be redelivered.
      return sendJson(res, 503, { error: 'bumpguard is shutting down; redeliver this delivery once it is back' }, { connection: 'close', 'retry-after': '30' });
    }
    const route = routes[path];
    if (!route) return sendJson(res, 404, { error: `${path === WEBHOOK_PATHS.github ? 'GitHub' : 'Gitea'} is not configured on this server` });
    if (req.method !== 'POST') return sendJson(res, 405, { error: 'webhooks are POSTed' }, { allow: 'POST' });
    if (inFlight >= maxInFlight) {
      // Nothing is read: the body never reaches memory. Forges redeliver failed deliveries.
      return sendJson(res, 503, { error: 'too many deliveries are being received at once; redeliver this one' }, { connection: 'close', 'retry-after': '5' });
    }
    inFlight++;
    try {
      await route(req, res);
    } finally {
      inFlight--;
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
