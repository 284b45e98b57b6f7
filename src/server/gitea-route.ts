// POST /api/gitea/webhooks: HMAC-SHA256 of the raw body against X-Hub-Signature-256
// ("sha256=<hex>", newer Gitea and Forgejo) when present, else X-Gitea-Signature (bare hex).
// A webhook saved without a secret sends an empty signature: refused like a wrong one.
import { normalizeGiteaEvent } from '../bot/index.ts';
import type { RetryPolicy } from '../forges/with-retry.ts';
import { requestHeader as header } from './request-header.ts';
import type { Route } from './respond.ts';
import { hexFromHubSignature } from './verify-signature.ts';
import { createWebhookRoute, type WebhookRouteDeps } from './webhook-route.ts';

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
