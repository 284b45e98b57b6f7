// One webhook route, two forges. Each delivery goes through the same checks in the same order,
// each failing with a JSON reason the forge's "Recent deliveries" page shows: body within the
// limit (413), HMAC-SHA256 of the raw bytes (401; nothing is parsed before it), JSON content
// type (415), event and delivery headers (400), a JSON object (400), the fields bumpguard needs
// (400). Then the delivery is recorded through `onJob` before it is acknowledged (202), or
// acknowledged as ignored (204). The forges differ only in header names, the signature header's
// format and how a payload becomes a job.
import type { IncomingMessage } from 'node:http';
import type { Logger } from 'pino';
import type { BotJob, Ignored } from '../bot/index.ts';
import type { OnJob } from './create-server.ts';
import { readWebhookBody } from './read-body.ts';
import { requestHeader } from './request-header.ts';
import { parseJsonObject, sendAccepted, sendEmpty, sendJson, type Route } from './respond.ts';
import { verifySignature } from './verify-signature.ts';

export interface WebhookSpec {
  /** "GitHub" or "Gitea", for the log. */
  forge: string;
  secret: string;
  /** The bare hex HMAC the sender claims, or null/undefined when absent or malformed. */
  signature(req: IncomingMessage): string | null | undefined;
  delivery(req: IncomingMessage): string | undefined;
  event(req: IncomingMessage): string | undefined;
  normalize(event: string, payload: Record<string, unknown>, delivery: string): BotJob | Ignored;
  /** What the sender must fix, in its own settings' words. */
  fixes: { signature: string; contentType: string };
  /** The headers' names as the forge's documentation spells them, for a 400's reason. */
  headerNames: { event: string; delivery: string };
}

export interface WebhookRouteDeps {
  onJob: OnJob;
  log: Logger;
  bodyLimit: number;
}

export function createWebhookRoute(spec: WebhookSpec, d: WebhookRouteDeps): Route {
  return async (req, res) => {
    const body = await readWebhookBody(req, res, d.bodyLimit);
    if (body === null) return;
    const delivery = spec.delivery(req);
    if (!verifySignature(spec.secret, body, spec.signature(req))) {
      d.log.warn({ delivery }, `${spec.forge} delivery with a missing or wrong signature refused`);
      return sendJson(res, 401, { error: spec.fixes.signature });
    }
    if (!/^\s*application\/json\s*(;|$)/i.test(requestHeader(req, 'content-type') ?? '')) {
      return sendJson(res, 415, { error: spec.fixes.contentType });
    }
    const event = spec.event(req);
    if (!event || !delivery) return sendJson(res, 400, { error: `missing header ${event ? spec.headerNames.delivery : spec.headerNames.event}` });
    const payload = parseJsonObject(body);
    if (!payload.ok) return sendJson(res, 400, { error: payload.error });
    const result = spec.normalize(event, payload.value, delivery);
    if ('ignored' in result) {
      if (result.malformed) return sendJson(res, 400, { error: `${result.ignored}: a field bumpguard needs is missing or has the wrong type` });
      d.log.debug({ delivery, event }, `delivery ignored: ${result.ignored}`);
      return sendEmpty(res, 204);
    }
    sendAccepted(res, delivery, await d.onJob(result));
  };
}
