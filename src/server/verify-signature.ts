// HMAC-SHA256 webhook signatures over the RAW request bytes (never re-serialised JSON: Gitea
// escapes `<` as \u003c, so a round-trip changes the bytes). Checks the length, then compares
// in constant time, so the time taken says nothing about how much of a forged signature was
// right (as octokit/webhooks-methods.js src/node/verify.ts). A missing or empty signature is
// simply false.
import { createHmac, timingSafeEqual } from 'node:crypto';

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
