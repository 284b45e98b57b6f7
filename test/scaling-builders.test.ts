// docs/scaling.md shows a two-builder .bumpguard.yml and the commands the bot runs for it. Both
// blocks are read from the doc: the config must parse, and builder selection (builders[platform]
// → buildCommand, as src/jobs/measure-side.ts does it) must produce exactly the commands shown.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { buildCommand, remoteBuilderName, type BuildInvocation, type ClientCaps } from '../src/build/index.ts';
import { parseConfig, type Config } from '../src/config/index.ts';
import { BuildError } from '../src/errors.ts';
import { inputsHash } from '../src/jobs/inputs-hash.ts';

const DOC = readFileSync(new URL('../docs/scaling.md', import.meta.url), 'utf8');
const BUILD_ARGS = { TAILSCALE_VERSION: 'v1.92.5' };
const WITH_BUILDX: ClientCaps = { docker: 'docker', buildx: 'v0.25.0', buildctl: null };

/** The fenced block right after `<!-- name -->` in docs/scaling.md. */
function block(name: string): string {
  const m = new RegExp(`<!-- ${name} -->\\n\`\`\`\\w*\\n(?<body>[\\s\\S]*?)\`\`\``).exec(DOC);
  assert.ok(m?.groups, `docs/scaling.md has no block marked <!-- ${name} -->`);
  return m.groups.body!;
}

/** What the bot runs to build `platform` (placeholders for its temporary paths). */
function invocation(config: Config, platform: string, caps: ClientCaps): BuildInvocation {
  const slug = platform.replaceAll('/', '-');
  return buildCommand(config.builders[platform], {
    contextDir: '/tmp/tree', dockerfile: config.dockerfile, platform, buildArgs: BUILD_ARGS, network: config.build.network,
    outTar: `/tmp/out/${slug}.tar`, idFile: `/tmp/out/${slug}.id`, tag: `bumpguard-build:${slug}`,
  }, caps);
}

function commandLines(inv: BuildInvocation): string[] {
  const env = Object.entries(inv.env).map(([k, v]) => `${k}=${v} `).join('');
  return [
    ...(inv.ensureBuilder ? [`${inv.file} buildx create --name ${inv.ensureBuilder.name} --driver remote ${inv.ensureBuilder.endpoint}`] : []),
    `${env}${inv.file} ${inv.args.join(' ')}`,
    ...(inv.saveTag ? [`${inv.file} save -o /tmp/out/${inv.saveTag.split(':')[1]}.tar <image id>`] : []),
  ];
}

describe('the two-builder setup in docs/scaling.md', () => {
  const config = parseConfig(block('two-builder-config'), 'docs/scaling.md');

  it('builds amd64 on the local engine and each arm platform on its own remote BuildKit node', () => {
    const selected = config.platforms.map((p) => {
      const inv = invocation(config, p, WITH_BUILDX);
      return { platform: p, kind: inv.kind, builder: inv.ensureBuilder, env: inv.env };
    });
    const arm64 = 'tcp://arm64-builder.internal:1234';
    const armv7 = 'tcp://armv7-builder.internal:1234';
    assert.deepStrictEqual(selected, [
      { platform: 'linux/amd64', kind: 'docker-build', builder: null, env: { DOCKER_BUILDKIT: '1' } },
      { platform: 'linux/arm64', kind: 'buildx', builder: { name: remoteBuilderName(arm64), endpoint: arm64 }, env: { BUILDKIT_HOST: arm64 } },
      { platform: 'linux/arm/v7', kind: 'buildx', builder: { name: remoteBuilderName(armv7), endpoint: armv7 }, env: { BUILDKIT_HOST: armv7 } },
    ]);
    assert.notEqual(remoteBuilderName(arm64), remoteBuilderName(armv7));
  });

  it('runs exactly the commands the doc shows', () => {
    const lines = config.platforms.flatMap((p) => commandLines(invocation(config, p, WITH_BUILDX)));
    assert.deepStrictEqual(lines, block('two-builder-commands').trimEnd().split('\n'));
  });

  it('falls back to buildctl per endpoint without the buildx plugin, and fails only the arm builds with neither', () => {
    const buildctl = config.platforms.map((p) => invocation(config, p, { docker: 'docker', buildx: null, buildctl: 'buildctl' }))
      .map((inv) => [inv.kind, inv.env.BUILDKIT_HOST ?? null]);
    assert.deepStrictEqual(buildctl, [
      ['docker-build', null], ['buildctl', 'tcp://arm64-builder.internal:1234'], ['buildctl', 'tcp://armv7-builder.internal:1234'],
    ]);
    const bare: ClientCaps = { docker: 'docker', buildx: null, buildctl: null };
    assert.equal(invocation(config, 'linux/amd64', bare).kind, 'docker-build');
    assert.throws(() => invocation(config, 'linux/arm64', bare), (err) => err instanceof BuildError && err.code === 'no-remote-client');
  });

  const SAMPLING = { concurrency: 2 };
  it('re-measures a platform once when its builder changes, and leaves the others\' stored results valid', () => {
    const local = parseConfig('platforms: [linux/amd64, linux/arm64, linux/arm/v7]');
    const changed = config.platforms.map((p) => inputsHash(config, p, BUILD_ARGS, SAMPLING) !== inputsHash(local, p, BUILD_ARGS, SAMPLING));
    assert.deepStrictEqual(changed, [false, true, true]);
  });
});
