// POST /api/gitea/webhooks: HMAC-SHA256 of the raw body against X-Hub-Signature-256
// ("sha256=<hex>", newer Gitea and Forgejo) when present, else X-Gitea-Signature (bare hex).
// A webhook saved without a secret sends an empty signature: refused like a wrong one.
import type { Logger } from 'pino';
import { normalizeGiteaEvent } from '../bot/index.ts';
import type { RetryPolicy } from '../forges/with-retry.ts';
import type { OnJob } from './create-server.ts';
import { readWebhookBody } from './read-body.ts';
import { requestHeader as header } from './request-header.ts';
import { parseJsonObject, sendAccepted, sendEmpty, sendJson, type Route } from './respond.ts';
import { hexFromHubSignature, verifySignature } from './verify-signature.ts';

export interface GiteaServerConfig {
  url: string;
  token: string;
  webhookSecret: string;
  /** Login of the token's account: its own comments are ignored. */
  botLogin: string;
  /** API retry policy (default: 3 retries, n² s backoff with jitter); tests inject `sleep`. */
  retry?: Partial<RetryPolicy>;
}

interface RouteDeps {
  config: GiteaServerConfig;
  onJob: OnJob;
  log: Logger;
  bodyLimit: number;
}

export function createGiteaRoute(d: RouteDeps): Route {
  return async (req, res) => {
    const body = await readWebhookBody(req, res, d.bodyLimit);
    if (body === null) return;
    const hub = header(req, 'x-hub-signature-256');
    const signature = hub !== undefined ? hexFromHubSignature(hub) : (header(req, 'x-gitea-signature') ?? header(req, 'x-forgejo-signature'));
    const delivery = header(req, 'x-gitea-delivery') ?? header(req, 'x-forgejo-delivery') ?? header(req, 'x-github-delivery');
    if (!verifySignature(d.config.webhookSecret, body, signature)) {
      d.log.warn({ delivery }, 'Gitea delivery with a missing or wrong signature refused');
      return sendJson(res, 401, { error: 'signature missing or wrong: the webhook secret must equal GITEA_WEBHOOK_SECRET' });
    }
    if (!/^\s*application\/json\s*(;|$)/i.test(header(req, 'content-type') ?? '')) {
      return sendJson(res, 415, { error: 'set the webhook\'s "POST Content Type" to application/json' });
    }
    const event = header(req, 'x-gitea-event') ?? header(req, 'x-forgejo-event');
    if (!event || !delivery) return sendJson(res, 400, { error: `missing header ${event ? 'X-Gitea-Delivery' : 'X-Gitea-Event'}` });
    const payload = parseJsonObject(body);
    if (!payload.ok) return sendJson(res, 400, { error: payload.error });
    const result = normalizeGiteaEvent(event, payload.value, delivery, d.config.botLogin);
    if ('ignored' in result) {
      if (result.malformed) return sendJson(res, 400, { error: `${result.ignored}: a field bumpguard needs is missing or has the wrong type` });
      d.log.debug({ delivery, event }, `delivery ignored: ${result.ignored}`);
      return sendEmpty(res, 204);
    }
    sendAccepted(res, delivery, await d.onJob(result));
  };
}
