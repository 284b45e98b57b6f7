// docs/scaling.md shows the operator's engines (BUMPGUARD_ENGINES), a repository's config and the
// commands the bot runs for them. The blocks are read from the doc: the JSON and the config must
// parse, and engine selection (src/config/engines.ts → the engine's docker client →
// buildCommand, as src/jobs/measure-side.ts does it) must produce exactly the commands shown.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { buildCommand, remoteBuilderName } from '../src/build/index.ts';
import { dockerClientFor, dockerCommandLine, localDockerClient, type ClientCaps } from '../src/engine/index.ts';
import { parseConfig, parseEngineDefinitions, selectEngine, type Config, type EngineDefinition } from '../src/config/index.ts';
import { BuildError } from '../src/core/index.ts';
import { inputsHash } from '../src/jobs/index.ts';

const DOC = readFileSync(new URL('../docs/scaling.md', import.meta.url), 'utf8');
const BUILD_ARGS = { TAILSCALE_VERSION: 'v1.92.5' };
const WITH_BUILDX: Omit<ClientCaps, 'docker'> = { buildx: 'v0.25.0', buildctl: null };

/** The fenced block right after `<!-- name -->` in docs/scaling.md. */
function block(name: string): string {
  const m = new RegExp(`<!-- ${name} -->\\n\`\`\`\\w*\\n(?<body>[\\s\\S]*?)\`\`\``).exec(DOC);
  assert.ok(m?.groups, `docs/scaling.md has no block marked <!-- ${name} -->`);
  return m.groups.body!;
}

/** What the bot runs to build `platform` (placeholders for its temporary paths), and the client it uses. */
function invocation(config: Config, engines: EngineDefinition[], platform: string, caps = WITH_BUILDX) {
  const slug = platform.replaceAll('/', '-');
  const choice = selectEngine(platform, config, engines);
  const docker = dockerClientFor(choice.definition, 'docker', {});
  const inv = buildCommand(
    choice.builder ?? undefined,
    {
      contextDir: '/tmp/tree',
      dockerfile: config.dockerfile,
      platform,
      buildArgs: BUILD_ARGS,
      network: config.build.network,
      outTar: `/tmp/out/${slug}.tar`,
      idFile: `/tmp/out/${slug}.id`,
      tag: `bumpguard-build:${slug}`,
    },
    { ...caps, docker },
  );
  return { inv, docker, choice };
}

function commandLines({ inv, docker }: ReturnType<typeof invocation>): string[] {
  // The bot's own TLS variables, cleared for another engine, are left out: they are empty.
  const env = Object.entries(inv.env)
    .filter(([, v]) => v !== '')
    .map(([k, v]) => `${k}=${v} `)
    .join('');
  return [
    ...(inv.ensureBuilder
      ? [
          dockerCommandLine(docker, [
            'buildx',
            'create',
            '--name',
            inv.ensureBuilder.name,
            '--driver',
            'remote',
            inv.ensureBuilder.endpoint,
          ]),
        ]
      : []),
    `${env}${inv.file} ${inv.args.join(' ')}`,
    ...(inv.saveTag ? [dockerCommandLine(docker, ['save', '-o', `/tmp/out/${inv.saveTag.split(':')[1]}.tar`, '<image id>'])] : []),
  ];
}

describe('a Raspberry Pi 5 as the arm64 engine, in docs/scaling.md', () => {
  const engines = parseEngineDefinitions(block('pi5-engines'), 'docs/scaling.md');
  const config = parseConfig(block('pi5-config'), 'docs/scaling.md');

  it("builds and runs arm64 on the Pi over ssh, amd64 and arm/v7 on the bot's own engine", () => {
    assert.deepStrictEqual(
      config.platforms.map((p) => [p, invocation(config, engines, p).choice.name]),
      [
        ['linux/amd64', 'local'],
        ['linux/arm64', 'pi5'],
        ['linux/arm/v7', 'local'],
      ],
    );
  });

  it('runs exactly the commands the doc shows', () => {
    const lines = config.platforms.flatMap((p) => commandLines(invocation(config, engines, p)));
    assert.deepStrictEqual(lines, block('pi5-commands').trimEnd().split('\n'));
  });

  it("measures arm64 once more after the switch, and leaves the other platforms' stored results valid", () => {
    const hash = (defs: EngineDefinition[], p: string) =>
      inputsHash(config, p, BUILD_ARGS, selectEngine(p, config, defs).identity, { concurrency: 2 });
    assert.deepStrictEqual(
      config.platforms.map((p) => hash(engines, p) !== hash([], p)),
      [false, true, false],
    );
  });
});

describe('BuildKit nodes as builders, in docs/scaling.md', () => {
  const engines = parseEngineDefinitions(block('buildkit-engines'), 'docs/scaling.md');
  const config = parseConfig(block('buildkit-config'), 'docs/scaling.md');

  it("builds amd64 on the bot's engine and each arm platform on its own BuildKit node", () => {
    const arm64 = 'tcp://arm64-builder.internal:1234';
    const armv7 = 'tcp://armv7-builder.internal:1234';
    assert.deepStrictEqual(
      config.platforms.map((p) => {
        const { inv } = invocation(config, engines, p);
        return { platform: p, kind: inv.kind, builder: inv.ensureBuilder, endpoint: inv.env.BUILDKIT_HOST ?? null };
      }),
      [
        { platform: 'linux/amd64', kind: 'docker-build', builder: null, endpoint: null },
        { platform: 'linux/arm64', kind: 'buildx', builder: { name: remoteBuilderName(arm64), endpoint: arm64 }, endpoint: arm64 },
        { platform: 'linux/arm/v7', kind: 'buildx', builder: { name: remoteBuilderName(armv7), endpoint: armv7 }, endpoint: armv7 },
      ],
    );
  });

  it('runs exactly the commands the doc shows', () => {
    const lines = config.platforms.flatMap((p) => commandLines(invocation(config, engines, p)));
    assert.deepStrictEqual(lines, block('buildkit-commands').trimEnd().split('\n'));
  });

  it('falls back to buildctl per endpoint without the buildx plugin, and fails only the arm builds with neither', () => {
    const buildctl = config.platforms
      .map((p) => invocation(config, engines, p, { buildx: null, buildctl: 'buildctl' }).inv)
      .map((inv) => [inv.kind, inv.env.BUILDKIT_HOST ?? null]);
    assert.deepStrictEqual(buildctl, [
      ['docker-build', null],
      ['buildctl', 'tcp://arm64-builder.internal:1234'],
      ['buildctl', 'tcp://armv7-builder.internal:1234'],
    ]);
    const bare = { buildx: null, buildctl: null };
    assert.equal(invocation(config, engines, 'linux/amd64', bare).inv.kind, 'docker-build');
    assert.throws(
      () => invocation(config, engines, 'linux/arm64', bare),
      (err) => err instanceof BuildError && err.code === 'no-remote-client',
    );
  });

  it("keeps the bot's own client for a build-only node: the image runs on the bot's engine", () => {
    assert.deepStrictEqual(invocation(config, engines, 'linux/arm64').docker, localDockerClient('docker'));
  });
});
