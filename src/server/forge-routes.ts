// The two forges' webhook routes on the shared one: their header names, signature formats and
// normalisers; GitHub's also authenticates through Probot.

import { Probot, ProbotOctokit } from 'probot';
import { normalizeGiteaEvent, normalizeGithubEvent } from '../bot/index.ts';
import type { RetryPolicy } from '../forges/index.ts';
import { createWebhookRoute, hexFromHubSignature, requestHeader as header, type Route, type WebhookRouteDeps } from './webhook-route.ts';

// POST /api/gitea/webhooks: HMAC-SHA256 of the raw body against X-Hub-Signature-256
// ("sha256=<hex>", newer Gitea and Forgejo) when present, else X-Gitea-Signature (bare hex).
// A webhook saved without a secret sends an empty signature: refused like a wrong one.

export interface GiteaServerConfig {
  url: string;
  token: string;
  webhookSecret: string;
  /** Login of the token's account: its own comments are ignored. */
  botLogin: string;
  /** API retry policy (default: 3 retries, n² s backoff with jitter); tests inject `sleep`. */
  retry?: Partial<RetryPolicy>;
}

export function createGiteaRoute(config: GiteaServerConfig, d: WebhookRouteDeps): Route {
  return createWebhookRoute(
    {
      forge: 'Gitea',
      secret: config.webhookSecret,
      signature(req) {
        const hub = header(req, 'x-hub-signature-256');
        return hub !== undefined ? hexFromHubSignature(hub) : (header(req, 'x-gitea-signature') ?? header(req, 'x-forgejo-signature'));
      },
      delivery: (req) => header(req, 'x-gitea-delivery') ?? header(req, 'x-forgejo-delivery') ?? header(req, 'x-github-delivery'),
      event: (req) => header(req, 'x-gitea-event') ?? header(req, 'x-forgejo-event'),
      normalize: (event, payload, delivery) => normalizeGiteaEvent(event, payload, delivery, config.botLogin),
      fixes: {
        signature: 'signature missing or wrong: the webhook secret must equal GITEA_WEBHOOK_SECRET',
        contentType: 'set the webhook\'s "POST Content Type" to application/json',
      },
      headerNames: { event: 'X-Gitea-Event', delivery: 'X-Gitea-Delivery' },
    },
    d,
  );
}

// POST /api/github/webhooks, answered like the Gitea route (webhook-route.ts): the signature in
// X-Hub-Signature-256 is checked over the raw bytes before anything is parsed, and the answer
// says what happened to the delivery (202 recorded, 204 ignored, 400, 401, 413, 415). Probot
// supplies what the jobs need afterwards: Octokit clients authenticated as the App or as one of
// its installations (`probot.auth`, which caches installation tokens and adds retries and
// throttling). Its webhook middleware is not used: its one answer, 200 "ok", cannot say whether
// the delivery was recorded, a duplicate or ignored, and it answers 400 or 500 where a sender's
// mistake deserves 401 or 400.

export interface GithubServerConfig {
  appId: string | number;
  privateKey: string;
  webhookSecret: string;
  /** GitHub Enterprise Server API root, e.g. https://ghe.example.com/api/v3 */
  baseUrl?: string;
  /** Octokit class for the app (tests turn retries off); default Probot's. */
  Octokit?: typeof ProbotOctokit;
}

export interface GithubRoute {
  route: Route;
  /** An Octokit authenticated as the installation. */
  auth: (installationId: number) => Promise<ProbotOctokit>;
  /** "<app-slug>[bot]", read once from GET /app. */
  botLogin: () => Promise<string>;
}

export function createGithubRoute(config: GithubServerConfig, d: WebhookRouteDeps): GithubRoute {
  const probot = new Probot({
    appId: config.appId,
    privateKey: config.privateKey,
    secret: config.webhookSecret,
    log: d.log.child({ name: 'probot' }),
    ...(config.baseUrl ? { baseUrl: config.baseUrl } : {}),
    ...(config.Octokit ? { Octokit: config.Octokit } : {}),
  });
  const route = createWebhookRoute(
    {
      forge: 'GitHub',
      secret: config.webhookSecret,
      signature: (req) => hexFromHubSignature(header(req, 'x-hub-signature-256')),
      delivery: (req) => header(req, 'x-github-delivery'),
      event: (req) => header(req, 'x-github-event'),
      normalize: normalizeGithubEvent,
      fixes: {
        signature: 'signature missing or wrong: the App webhook secret must equal WEBHOOK_SECRET',
        contentType: 'set the webhook\'s "Content type" to application/json',
      },
      headerNames: { event: 'X-GitHub-Event', delivery: 'X-GitHub-Delivery' },
    },
    d,
  );

  let login: Promise<string> | null = null;
  const botLogin = (): Promise<string> => {
    login ??= probot
      .auth()
      .then((app) => app.request('GET /app'))
      .then((r) => `${r.data?.slug}[bot]`);
    login.catch(() => {
      login = null;
    });
    return login;
  };
  return { route, auth: (installationId) => probot.auth(installationId), botLogin };
}
