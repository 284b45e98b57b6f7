import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { createUpstream } from './create-upstream.ts';

const root = mkdtempSync(join(tmpdir(), 'bumpguard-create-upstream-'));
after(() => rmSync(root, { recursive: true, force: true }));
const base = { repo: 'tailscale/tailscale', cwd: root };

describe('createUpstream', () => {
  it('reads the GitHub API for "github", through the cache when one is given', async () => {
    assert.equal((await createUpstream('github', base)).describe, 'github tailscale/tailscale');
    assert.equal((await createUpstream('github', { ...base, cacheDir: join(root, 'cache') })).describe, `github tailscale/tailscale (cached in ${join(root, 'cache')})`);
  });

  it('treats a clone or a bare repository as git, relative to cwd', async () => {
    mkdirSync(join(root, 'clone'));
    execFileSync('git', ['init', '-q', join(root, 'clone')]);
    execFileSync('git', ['init', '-q', '--bare', join(root, 'bare.git')]);
    assert.equal((await createUpstream('clone', base)).describe, `git ${join(root, 'clone')}`);
    assert.equal((await createUpstream(join(root, 'bare.git'), base)).describe, `git ${join(root, 'bare.git')}`);
  });

  it('treats any other directory as fixtures (<dir>/<tag>/<path>)', async () => {
    mkdirSync(join(root, 'fixtures/v1.0.0'), { recursive: true });
    writeFileSync(join(root, 'fixtures/v1.0.0/a.go'), 'a');
    const upstream = await createUpstream('fixtures', base);
    assert.equal(upstream.describe, `fixtures ${join(root, 'fixtures')}`);
    assert.equal(await upstream.readFile('v1.0.0', 'a.go'), 'a');
  });

  it('says what it expected when the directory does not exist', async () => {
    await assert.rejects(createUpstream('nope', base), {
      code: 'upstream-not-found',
      userMessage: '--upstream nope: no such directory (give a clone or bare mirror of tailscale/tailscale, a fixtures directory, or "github").',
    });
  });
});
