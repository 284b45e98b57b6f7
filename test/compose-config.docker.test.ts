// build/compose.yaml must load in the Compose that scripts/setup-host.sh installs (Debian's
// docker-compose 1.29, which rejects newer keys such as a top-level `name:`), set up exactly as
// docs/operations.md says. `docker-compose config` parses, validates and interpolates the files
// without touching the engine or a registry.
import assert from 'node:assert/strict';
import { cp, mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it, test } from 'node:test';
import { execa } from 'execa';
import { parse } from 'yaml';

const ROOT = fileURLToPath(new URL('../', import.meta.url));

/** The shell lines of the compose set-up in docs/operations.md that come before `up`. */
async function documentedSetup(): Promise<string[]> {
  const doc = await readFile(join(ROOT, 'docs/operations.md'), 'utf8');
  const body = /<!-- compose-setup -->\n```sh\n(?<body>[\s\S]*?)```/.exec(doc)?.groups?.body;
  assert.ok(body, 'docs/operations.md shows the compose set-up after <!-- compose-setup -->');
  const lines = body
    .split('\n')
    .map((l) => l.replace(/\s+#.*$/, '').trim())
    .filter(Boolean);
  const up = lines.findIndex((l) => /docker-compose -f build\/compose\.yaml up -d --build$/.test(l));
  assert.ok(up > 0, 'the set-up ends in `docker-compose -f build/compose.yaml up -d --build`');
  return lines.slice(0, up);
}

describe('build/compose.yaml with the Compose setup-host.sh installs', () => {
  let dir: string;
  // A shell of its own, as after a reboot or in an upgrade: nothing exported by the set-up survives.
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('DOCKER_') && !k.startsWith('COMPOSE_')));
  const compose = (args: string[]) => execa('docker-compose', args, { cwd: dir, env, extendEnv: false, reject: false, stdin: 'ignore' });

  before(async () => {
    const version = await execa('docker-compose', ['version', '--short'], { reject: false, stdin: 'ignore' });
    assert.equal(version.exitCode, 0, "docker-compose is missing: run `bash scripts/setup-host.sh` (it installs Debian's docker-compose)");
    dir = await mkdtemp(join(tmpdir(), 'bumpguard-compose-'));
    for (const f of ['build/compose.yaml', 'build/compose.gitea.yaml', 'build/Dockerfile', '.env.example'])
      await cp(join(ROOT, f), join(dir, f));
  });
  after(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('without build/.env it refuses to guess the Docker group and says what to set', async () => {
    await rm(join(dir, 'build/.env'), { force: true });
    const res = await compose(['-f', 'build/compose.yaml', 'config']);
    assert.notEqual(res.exitCode, 0);
    assert.match(res.stderr, /set DOCKER_GID in build\/\.env to the group of \/var\/run\/docker\.sock/);
  });

  /** Runs the documented set-up lines, each in its own shell (they are safe to repeat). */
  async function setUp(): Promise<void> {
    for (const line of await documentedSetup()) {
      const res = await execa('bash', ['-euo', 'pipefail', '-c', line], {
        cwd: dir,
        env,
        extendEnv: false,
        reject: false,
        stdin: 'ignore',
      });
      assert.equal(res.exitCode, 0, `${line}: ${res.stderr}`);
    }
  }

  it("after the documented set-up, `config` passes and the bot joins the socket's group in every later shell", async () => {
    await setUp();
    const res = await compose(['-f', 'build/compose.yaml', 'config']);
    assert.equal(res.exitCode, 0, res.stderr);
    const config = parse(res.stdout) as { services: Record<string, { group_add?: string[]; volumes?: string[] }> };
    const socketGroup = String((await stat('/var/run/docker.sock')).gid);
    assert.deepStrictEqual(config.services.bumpguard?.group_add, [socketGroup]);
    assert.deepStrictEqual(Object.keys(config.services).sort(), ['buildkitd', 'bumpguard']);
    // The project name keeps the volume names (and so the store) of earlier installs.
    const ps = await compose(['-f', 'build/compose.yaml', 'config', '--volumes']);
    assert.deepStrictEqual(ps.stdout.trim().split('\n'), ['bumpguard-data', 'buildkit-state']);
    assert.match(await readFile(join(dir, 'build/.env'), 'utf8'), /^COMPOSE_PROJECT_NAME=bumpguard$/m);
  });

  it('the Gitea sandbox overlay adds a gitea service with its declared volume', async () => {
    await setUp();
    const res = await compose(['-f', 'build/compose.yaml', '-f', 'build/compose.gitea.yaml', 'config']);
    assert.equal(res.exitCode, 0, res.stderr);
    const config = parse(res.stdout) as { services: Record<string, unknown>; volumes: Record<string, unknown> };
    assert.deepStrictEqual(Object.keys(config.services).sort(), ['buildkitd', 'bumpguard', 'gitea']);
    assert.ok('gitea-data' in config.volumes);
  });
});

test('every set-up text writes build/.env with the same command as docs/operations.md', async () => {
  const [, writeEnv] = await documentedSetup();
  assert.match(writeEnv ?? '', /> build\/\.env$/);
  for (const file of ['README.md', 'docs/github.md', 'docs/gitea.md', 'build/compose.yaml']) {
    const copies = (await readFile(join(ROOT, file), 'utf8'))
      .split('\n')
      .filter((l) => l.includes('> build/.env'))
      .map((l) => l.replace(/^[#\s]+/, ''));
    assert.ok(copies.length > 0, `${file} shows how to write build/.env`);
    for (const line of copies) assert.equal(line, writeEnv, file);
  }
});
