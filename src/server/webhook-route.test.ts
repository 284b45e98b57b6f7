import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { test } from 'node:test';
import { hexFromHubSignature, verifySignature } from './webhook-route.ts';

const body = Buffer.from('{"title":"\\u003cb\\u003ebump\\u003c/b\\u003e"}\n');
const sign = (secret: string, bytes: Uint8Array) => createHmac('sha256', secret).update(bytes).digest('hex');

test('accepts the HMAC of the raw bytes, in either case of hex', () => {
  assert.equal(verifySignature('s3cret', body, sign('s3cret', body)), true);
  assert.equal(verifySignature('s3cret', body, sign('s3cret', body).toUpperCase()), true);
});

test('rejects a signature over re-serialised JSON (Gitea escapes < as \\u003c)', () => {
  const reserialised = Buffer.from(JSON.stringify(JSON.parse(body.toString())) + '\n');
  assert.equal(verifySignature('s3cret', body, sign('s3cret', reserialised)), false);
});

test('rejects a wrong secret, a missing, empty, short or non-hex signature', () => {
  assert.deepEqual(
    [sign('other', body), undefined, null, '', sign('s3cret', body).slice(0, 40), 'z'.repeat(64)].map((s) =>
      verifySignature('s3cret', body, s),
    ),
    [false, false, false, false, false, false],
  );
});

test('X-Hub-Signature-256 must say sha256=', () => {
  assert.equal(hexFromHubSignature('sha256=abc'), 'abc');
  assert.equal(hexFromHubSignature('sha1=abc'), null);
  assert.equal(hexFromHubSignature(''), null);
  assert.equal(hexFromHubSignature(undefined), null);
});
