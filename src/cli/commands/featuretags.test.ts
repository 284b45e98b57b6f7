import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import nock from 'nock';
import { useHttpMock } from '../../../test/helpers/http-mock.ts';
import { expectedMinOmits, loadFacts } from '../../../test/helpers/featuretags-facts.ts';
import type { CliIo } from '../io.ts';
import { main } from '../main.ts';
import { featuretags } from './featuretags.ts';

// An upstream fixtures directory holding one tag's feature table.
const FIXTURE = fileURLToPath(new URL('../../audit/__fixtures__/featuretags/v1.98.5.go', import.meta.url));
const upstream = mkdtempSync(join(tmpdir(), 'bumpguard-featuretags-cli-'));
mkdirSync(join(upstream, 'v1.98.5/feature/featuretags'), { recursive: true });
copyFileSync(FIXTURE, join(upstream, 'v1.98.5/feature/featuretags/featuretags.go'));
mkdirSync(join(upstream, 'v1.88.0'));
after(() => rmSync(upstream, { recursive: true, force: true }));
useHttpMock();

async function run(argv: string[], command = featuretags) {
  const out = { stdout: '', stderr: '' };
  const sink = (key: 'stdout' | 'stderr') =>
    new Writable({
      write(chunk, _enc, done) {
        out[key] += String(chunk);
        done();
      },
    });
  const io: CliIo = {
    argv,
    stdout: sink('stdout'),
    stderr: sink('stderr'),
    env: { HOME: upstream },
    cwd: upstream,
    isTTY: false,
    signal: new AbortController().signal,
  };
  const code = await command(io);
  return { code, ...out };
}

describe('bumpguard featuretags', () => {
  it('prints exactly what upstream prints for --min --add=osrouter', async () => {
    const facts = loadFacts()['v1.98.5']!;
    assert.deepStrictEqual(await run(['--upstream', upstream, '--tag', 'v1.98.5', '--min', '--add=osrouter']), {
      code: 0,
      stdout: `${expectedMinOmits(facts, 'osrouter').join(',')}\n`,
      stderr: '',
    });
  });

  it('accepts Go-style single-dash flags, and a repeated --add keeps the last value like Go', async () => {
    const goStyle = await run(['--upstream', upstream, '--tag', 'v1.98.5', '-min', '--list=false', '-add=dns', '--add', 'osrouter']);
    const plain = await run(['--upstream', upstream, '--tag', 'v1.98.5', '--min', '--add=osrouter']);
    assert.deepStrictEqual(goStyle, plain);
  });

  it("prints upstream's error with a log timestamp on stderr and exits 1", async () => {
    const { code, stdout, stderr } = await run(['--upstream', upstream, '--tag', 'v1.98.5', '--remove=logtail']);
    assert.equal(code, 1);
    assert.equal(stdout, '');
    assert.match(
      stderr,
      /^\d{4}\/\d\d\/\d\d \d\d:\d\d:\d\d cannot remove "logtail" without also removing "netlog", which depends on it\nexit status 1\n$/,
    );
  });

  it('adds a note where upstream would pick one of several errors at random', async () => {
    const { stderr } = await run(['--upstream', upstream, '--tag', 'v1.98.5', '--remove=peerapiserver']);
    assert.match(stderr, /\nexit status 1\nbumpguard featuretags: note: upstream .* at random/);
  });

  it('lists features with --list', async () => {
    const { code, stdout } = await run(['--upstream', upstream, '--tag', 'v1.98.5', '--list']);
    assert.equal(code, 0);
    assert.equal(stdout.split('\n')[0], '                 ace: fixture text for ace');
  });

  it('prints help with --help and exits 0', async () => {
    const { code, stdout } = await run(['--help']);
    assert.equal(code, 0);
    assert.match(stdout, /^Usage: bumpguard featuretags --upstream DIR\|github --tag vX/);
  });

  it('exits 2 with a clear message on usage errors', async () => {
    assert.deepStrictEqual(await run(['--upstream', upstream]), {
      code: 2,
      stdout: '',
      stderr: 'bumpguard featuretags: --tag is required (e.g. --tag v1.98.5)\nRun "bumpguard featuretags --help" for usage.\n',
    });
    const unknown = await run(['--upstream', upstream, '--tag', 'v1.98.5', '--bogus']);
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /^bumpguard featuretags: Unknown option '--bogus'/);
    assert.equal((await run(['--tag', 'v1.98.5', 'extra'])).code, 2);
  });

  it('exits 2 when the tag has no feature table', async () => {
    const { code, stderr } = await run(['--upstream', upstream, '--tag', 'v1.88.0', '--list']);
    assert.equal(code, 2);
    assert.equal(
      stderr,
      `bumpguard featuretags: feature/featuretags/featuretags.go does not exist at v1.88.0 in ${upstream} (a fixtures directory); cmd/featuretags ships from v1.90.0 on.\n`,
    );
  });

  it('reads GitHub once and then only its cache (no network on the second run)', async () => {
    nock('https://api.github.com')
      .get('/repos/tailscale/tailscale/contents/feature/featuretags/featuretags.go')
      .query({ ref: 'v1.98.5' })
      .once()
      .reply(200, readFileSync(FIXTURE, 'utf8'));
    const argv = ['--upstream', 'github', '--tag', 'v1.98.5', '--cache', join(upstream, 'cache'), '--min', '--add=osrouter'];
    const first = await run(argv);
    assert.equal(first.code, 0);
    assert.ok(nock.isDone());
    assert.deepStrictEqual(await run(argv), first);
  });

  it('exits 2 through the CLI entry when the tag does not exist upstream', async () => {
    const { code, stderr } = await run(['featuretags', '--upstream', upstream, '--tag', 'v9.9.9'], main);
    assert.equal(code, 2);
    assert.equal(stderr, 'bumpguard featuretags: No directory for tag v9.9.9 in the upstream fixtures directory.\n');
  });
});
