// POST /api/github/webhooks, answered like the Gitea route (webhook-route.ts): the signature in
// X-Hub-Signature-256 is checked over the raw bytes before anything is parsed, and the answer
// says what happened to the delivery (202 recorded, 204 ignored, 400, 401, 413, 415). Probot
// supplies what the jobs need afterwards: Octokit clients authenticated as the App or as one of
// its installations (`probot.auth`, which caches installation tokens and adds retries and
// throttling). Its webhook middleware is not used: its one answer, 200 "ok", cannot say whether
// the delivery was recorded, a duplicate or ignored, and it answers 400 or 500 where a sender's
// mistake deserves 401 or 400.
import { Probot, ProbotOctokit } from 'probot';
import { normalizeGithubEvent } from '../bot/index.ts';
import { requestHeader as header } from './request-header.ts';
import type { Route } from './respond.ts';
import { hexFromHubSignature } from './verify-signature.ts';
import { createWebhookRoute, type WebhookRouteDeps } from './webhook-route.ts';

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
  auth(installationId: number): Promise<ProbotOctokit>;
  /** "<app-slug>[bot]", read once from GET /app. */
  botLogin(): Promise<string>;
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
