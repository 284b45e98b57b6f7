// Small response helpers: every answer is JSON with an `error` or a status, so a webhook's
// "Recent deliveries" page shows the reason (as octokit/webhooks.js
// src/middleware/create-middleware.ts answers each failed check).
import type { IncomingMessage, ServerResponse } from 'node:http';

export type Route = (req: IncomingMessage, res: ServerResponse) => Promise<void>;

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), ...headers }).end(text);
}

export function sendEmpty(res: ServerResponse, status: number): void {
  res.writeHead(status).end();
}

/** 202 once the job is recorded; a redelivery is acknowledged too, and the body says it ran before. */
export function sendAccepted(res: ServerResponse, delivery: string | undefined, status: string | void): void {
  if (status === 'duplicate' || status === 'same-job') {
    return sendJson(res, 202, { queued: false, delivery, duplicate: status === 'duplicate' ? 'delivery id seen before' : 'same event already queued or done' });
  }
  sendJson(res, 202, { queued: true, delivery });
}

/** A webhook body must be a JSON object; anything else is the sender's mistake (400). */
export function parseJsonObject(body: Buffer): { ok: true; value: Record<string, unknown> } | { ok: false; error: string } {
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
