// POST /api/gitea/webhooks: HMAC-SHA256 of the raw body against X-Hub-Signature-256
// ("sha256=<hex>", newer Gitea and Forgejo) when present, else X-Gitea-Signature (bare hex).
// A webhook saved without a secret sends an empty signature: refused like a wrong one.
import type { Logger } from 'pino';
import { normalizeGiteaEvent, type BotJob } from '../bot/index.ts';
import { readWebhookBody } from './read-body.ts';
import { requestHeader as header } from './request-header.ts';
import { sendEmpty, sendJson, type Route } from './respond.ts';
import { hexFromHubSignature, verifySignature } from './verify-signature.ts';

export interface GiteaServerConfig {
  url: string;
  token: string;
  webhookSecret: string;
  /** Login of the token's account: its own comments are ignored. */
  botLogin: string;
}

interface RouteDeps {
  config: GiteaServerConfig;
  onJob: (job: BotJob) => void | Promise<void>;
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
    let payload: unknown;
    try {
      payload = JSON.parse(body.toString('utf8'));
    } catch (err) {
      if (err instanceof SyntaxError) return sendJson(res, 400, { error: `body is not JSON: ${err.message}` });
      throw err;
    }
    const result = normalizeGiteaEvent(event, payload, delivery, d.config.botLogin);
    if ('ignored' in result) {
      d.log.debug({ delivery, event }, `delivery ignored: ${result.ignored}`);
      return sendEmpty(res, 204);
    }
    await d.onJob(result);
    sendJson(res, 202, { queued: true, delivery });
  };
}
