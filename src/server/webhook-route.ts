// One webhook route, two forges. Each delivery goes through the same checks in the same order,
// each failing with a JSON reason the forge's "Recent deliveries" page shows: body within the
// limit (413), HMAC-SHA256 of the raw bytes (401; nothing is parsed before it), JSON content
// type (415), event and delivery headers (400), a JSON object (400), the fields bumpguard needs
// (400). Then the delivery is recorded through `onJob` before it is acknowledged (202), or
// acknowledged as ignored (204). The forges differ only in header names, the signature header's
// format and how a payload becomes a job.

import { createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import type { BotJob, Ignored } from '../bot/index.ts';
import type { EnqueueStatus } from '../jobs/index.ts';

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
    if (!event || !delivery)
      return sendJson(res, 400, { error: `missing header ${event ? spec.headerNames.delivery : spec.headerNames.event}` });
    const payload = parseJsonObject(body);
    if (!payload.ok) return sendJson(res, 400, { error: payload.error });
    const result = spec.normalize(event, payload.value, delivery);
    if ('ignored' in result) {
      if (result.malformed)
        return sendJson(res, 400, { error: `${result.ignored}: a field bumpguard needs is missing or has the wrong type` });
      d.log.debug({ delivery, event }, `delivery ignored: ${result.ignored}`);
      return sendEmpty(res, 204);
    }
    sendAccepted(res, delivery, await d.onJob(result));
  };
}

/** What the queue said: a duplicate is acknowledged (202) but says so in the body. */
export type OnJob = (job: BotJob) => EnqueueStatus | void | Promise<EnqueueStatus | void>;

// Small response helpers: every answer is JSON with an `error` or a status, so a webhook's
// "Recent deliveries" page shows the reason (as octokit/webhooks.js
// src/middleware/create-middleware.ts answers each failed check).
export type Route = (req: IncomingMessage, res: ServerResponse) => Promise<void>;

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), ...headers }).end(text);
}

function sendEmpty(res: ServerResponse, status: number): void {
  res.writeHead(status).end();
}

/** 202 once the job is recorded; a redelivery is acknowledged too, and the body says it ran before. */
function sendAccepted(res: ServerResponse, delivery: string | undefined, status: string | void): void {
  if (status === 'duplicate' || status === 'same-job') {
    return sendJson(res, 202, {
      queued: false,
      delivery,
      duplicate: status === 'duplicate' ? 'delivery id seen before' : 'same event already queued or done',
    });
  }
  sendJson(res, 202, { queued: true, delivery });
}

/** A webhook body must be a JSON object; anything else is the sender's mistake (400). */
function parseJsonObject(body: Buffer): { ok: true; value: Record<string, unknown> } | { ok: false; error: string } {
  let value: unknown;
  try {
    value = JSON.parse(body.toString('utf8'));
  } catch (err) {
    if (err instanceof SyntaxError) return { ok: false, error: `body is not JSON: ${err.message}` };
    throw err;
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return { ok: false, error: 'body is JSON but not an object' };
  return { ok: true, value: value as Record<string, unknown> };
}

// Read a request body as raw bytes, refusing more than `limit` without buffering it all.
class BodyTooLargeError extends Error {
  constructor(limit: number) {
    super(`request body over ${limit} bytes`);
    this.name = 'BodyTooLargeError';
  }
}

async function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > limit) throw new BodyTooLargeError(limit);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) throw new BodyTooLargeError(limit);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

/** The raw body of a webhook, or null once a 413 has been answered. */
async function readWebhookBody(req: IncomingMessage, res: ServerResponse, limit: number): Promise<Buffer | null> {
  try {
    return await readBody(req, limit);
  } catch (err) {
    if (!(err instanceof BodyTooLargeError)) throw err;
    sendJson(res, 413, { error: err.message }, { connection: 'close' });
    return null;
  }
}

/** A request header as one string (the first, when repeated); undefined when absent. */
export function requestHeader(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name.toLowerCase()];
  return Array.isArray(v) ? v[0] : v;
}

// HMAC-SHA256 webhook signatures over the RAW request bytes (never re-serialised JSON: Gitea
// escapes `<` as \u003c, so a round-trip changes the bytes). Checks the length, then compares
// in constant time, so the time taken says nothing about how much of a forged signature was
// right (as octokit/webhooks-methods.js src/node/verify.ts). A missing or empty signature is
// simply false.
const HEX_SHA256 = /^[0-9a-f]{64}$/i;

/** `signature` is the bare hex digest (Gitea's X-Gitea-Signature, or X-Hub-Signature-256 without "sha256="). */
export function verifySignature(secret: string, body: Uint8Array, signature: string | null | undefined): boolean {
  if (!signature || !HEX_SHA256.test(signature)) return false;
  const expected = createHmac('sha256', secret).update(body).digest();
  const given = Buffer.from(signature, 'hex');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** "sha256=<hex>" → "<hex>"; null for any other algorithm or a malformed value. */
export function hexFromHubSignature(header: string | null | undefined): string | null {
  if (!header?.startsWith('sha256=')) return null;
  return header.slice('sha256='.length);
}
