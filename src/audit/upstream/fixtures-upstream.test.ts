import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { fixturesUpstream } from './fixtures-upstream.ts';

const dir = mkdtempSync(join(tmpdir(), 'bumpguard-fixtures-upstream-'));
mkdirSync(join(dir, 'v1.98.5/feature/featuretags'), { recursive: true });
writeFileSync(join(dir, 'v1.98.5/feature/featuretags/featuretags.go'), 'package featuretags\n');
after(() => rmSync(dir, { recursive: true, force: true }));

describe('fixturesUpstream', () => {
  const upstream = fixturesUpstream(dir);

  it('reads <dir>/<tag>/<path>', async () => {
    assert.equal(await upstream.readFile('v1.98.5', 'feature/featuretags/featuretags.go'), 'package featuretags\n');
  });

  it('returns null for a file the tag does not have, or a directory', async () => {
    assert.equal(await upstream.readFile('v1.98.5', 'cmd/featuretags/featuretags.go'), null);
    assert.equal(await upstream.readFile('v1.98.5', 'feature/featuretags'), null);
    assert.equal(await upstream.readFile('v1.98.5', 'feature/featuretags/featuretags.go/x'), null);
  });

  it('throws upstream-tag-missing for a tag without a directory', async () => {
    await assert.rejects(upstream.readFile('v1.98.6', 'feature/featuretags/featuretags.go'), { code: 'upstream-tag-missing' });
  });

  it('never reads outside the fixtures directory', async () => {
    await assert.rejects(upstream.readFile('v1.98.5', '../../etc/passwd'), { code: 'upstream-bad-path' });
    await assert.rejects(upstream.readFile('..', 'etc/passwd'), { code: 'upstream-bad-ref' });
  });
});
