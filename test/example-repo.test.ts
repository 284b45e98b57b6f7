// The bundled example target: its git shape (a Renovate-style bump) and its recorded
// featuretags table, which must say what upstream's cmd/featuretags says at each tag.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { execa } from 'execa';
import { TABLE_PATH, renderFeaturetagsTable } from '../scripts/gen-example-featuretags.ts';
import { expectedMinOmits, loadFacts } from './helpers/featuretags-facts.ts';
import { createExampleRepo, EXAMPLE_DIR, setTailscaleVersion, type ExampleRepo } from './helpers/example-repo.ts';

describe('createExampleRepo', () => {
  let repo: ExampleRepo;
  before(async () => {
    repo = await createExampleRepo();
  });
  after(async () => {
    await repo.dispose();
  });

  it('puts the bump on renovate/tailscale-1.x as a one-line ARG change, like Renovate', async () => {
    const diff = (await execa('git', ['diff', '--unified=0', repo.baseRef, repo.headRef], { cwd: repo.dir })).stdout;
    const changed = diff.split('\n').filter((l) => /^[-+][^-+]/.test(l));
    assert.deepStrictEqual(changed, ['-ARG TAILSCALE_VERSION=v1.90.9', '+ARG TAILSCALE_VERSION=v1.92.5']);
    const log = (await execa('git', ['log', '--format=%s', `${repo.baseRef}..${repo.headRef}`], { cwd: repo.dir })).stdout;
    assert.equal(log, 'chore(deps): update dependency tailscale to v1.92.5');
  });

  it('commits the prepared artifacts so a `git archive` of either ref is a complete build context', async () => {
    const files = (await execa('git', ['ls-tree', '-r', '--name-only', repo.headSha], { cwd: repo.dir })).stdout.split('\n');
    for (const arch of ['amd64', 'arm64', 'arm']) {
      for (const f of ['busybox', 'routerd', 'modgen']) assert.ok(files.includes(`artifacts/${arch}/${f}`), `artifacts/${arch}/${f}`);
    }
    assert.ok(files.includes('artifacts/ca-certificates.crt'));
    assert.ok(files.includes('.bumpguard.yml'));
  });

  it('gives the same commits for the same content (a cached base stays valid across runs)', async () => {
    const again = await createExampleRepo();
    try {
      assert.deepStrictEqual([again.baseSha, again.headSha], [repo.baseSha, repo.headSha]);
    } finally {
      await again.dispose();
    }
  });
});

describe('setTailscaleVersion', () => {
  it('rewrites only the ARG value and refuses a Dockerfile without the ARG', () => {
    assert.equal(
      setTailscaleVersion('# x\nARG TAILSCALE_VERSION=v1.90.9\nRUN y\n', 'v1.92.5'),
      '# x\nARG TAILSCALE_VERSION=v1.92.5\nRUN y\n',
    );
    assert.throws(() => setTailscaleVersion('FROM scratch\n', 'v1.92.5'), /no `ARG TAILSCALE_VERSION=`/);
  });
});

describe("the example's recorded featuretags table", () => {
  const facts = loadFacts();

  it('is what scripts/gen-example-featuretags.ts generates from the upstream facts', () => {
    assert.equal(readFileSync(TABLE_PATH, 'utf8'), renderFeaturetagsTable(facts));
  });

  it('omits everything but osrouter and the never-omittable cli, and omits features new in v1.92 (cachenetmap)', () => {
    const tags = expectedMinOmits(facts['v1.92.5']!, 'osrouter');
    assert.ok(tags.includes('ts_omit_cachenetmap'));
    assert.ok(tags.includes('ts_omit_peerapiserver'));
    assert.ok(!tags.includes('ts_omit_osrouter'));
    assert.ok(!tags.includes('ts_omit_cli'));
    assert.equal(expectedMinOmits(facts['v1.90.9']!, 'osrouter').includes('ts_omit_cachenetmap'), false);
  });

  it("is printed by the image's busybox tools/featuretags for the recipe's call", async () => {
    const res = await execa('busybox', ['sh', `${EXAMPLE_DIR}tools/featuretags`, '--min', '--add=osrouter'], {
      env: { TAILSCALE_VERSION: 'v1.92.5' },
    });
    assert.equal(res.stdout, expectedMinOmits(facts['v1.92.5']!, 'osrouter').join(','));
    const unknown = await execa('busybox', ['sh', `${EXAMPLE_DIR}tools/featuretags`, '--list'], {
      env: { TAILSCALE_VERSION: 'v1.99.0' },
      reject: false,
    });
    assert.deepStrictEqual([unknown.exitCode, unknown.stderr], [1, 'featuretags: no recorded feature table for v1.99.0']);
  });
});
