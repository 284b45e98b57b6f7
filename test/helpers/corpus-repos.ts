// Generated target repos laid out in ways the bundled example is not, each a real git repo whose
// image builds for real (FROM scratch, static busybox, no registry): `main` pins Tailscale
// `from`; `bump` is a clean Renovate patch bump; `regression`, when a layout has one, bumps and
// makes the image worse (a bigger daemon, or a file a canary needs gone). Each layout says what
// `bumpguard check` must answer and which finding kinds the report must carry.
import { createHash } from 'node:crypto';
import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { execa } from 'execa';
import type { FindingKind, Verdict } from '../../src/core/index.ts';

export const BUSYBOX = '/var/cache/bumpguard/busybox/amd64/busybox';
const MARKER = '# renovate: datasource=github-releases depName=tailscale packageName=tailscale/tailscale versioning=semver';
/** Prints what `featuretags --min` would (the audit emulates the real one from upstream's table). */
const FEATURETAGS = '#!/bin/sh\necho "ts_omit_aws,ts_omit_dns,ts_omit_portmapper,ts_omit_ssh"\n';
/** A static binary stands in for the prebuilt daemon: an amd64 ELF, as the real one is. */
const DAEMON = { copyOf: BUSYBOX };
/** Static busybox for every stage, and the featuretags stand-in a build stage runs. */
const BUSYBOX_FILE = { 'bin/busybox': { copyOf: BUSYBOX, mode: 0o755 } } as const;
const BUILD_TOOLS = { ...BUSYBOX_FILE, 'tools/featuretags': FEATURETAGS } as const;
const GROWN_DAEMON = { copyOf: BUSYBOX, grow: 320 * 1024 };

type FileSpec = string | { copyOf: string; grow?: number; mode?: number };
type Variant = 'base' | 'bump' | 'regression';

export interface Expectation {
  verdict: Verdict;
  /** Kinds of every finding in the report, sorted, duplicates removed. */
  kinds: FindingKind[];
  /** What some finding must say. */
  mentions?: RegExp[];
}

export interface Layout {
  name: string;
  /** What it shows that the example does not. */
  about: string;
  from: string;
  to: string;
  /** .bumpguard.yml on main. */
  config: string;
  files(version: string, variant: Variant): Record<string, FileSpec>;
  expect: { bump: Expectation; regression?: Expectation };
}

const ONE_ARCH = 'platforms: [linux/amd64]\nram: { enabled: false }\n';

/** A build stage that has a shell, and the recipe line the audit reads. */
const buildStage = (version: string, arg = 'TAILSCALE_VERSION') => [
  'FROM scratch AS build',
  'COPY bin/busybox /bin/busybox',
  'SHELL ["/bin/busybox", "sh", "-euc"]',
  'RUN busybox mkdir -p /usr/bin /sbin /usr/sbin /out && busybox --install -s',
  'WORKDIR /src',
  'COPY tools/ tools/',
  MARKER,
  `ARG ${arg}=${version}`,
];

/** The final image: busybox, what the build stage wrote under /out, `extra` lines, a process to keep it running. */
const finalStage = (extra: string[] = [], stage = 'FROM scratch') => [
  stage,
  'COPY bin/busybox /bin/busybox',
  ...extra,
  'ENTRYPOINT ["/bin/busybox", "sleep", "3600"]',
  '',
];

export const LAYOUTS: Layout[] = [
  {
    name: 'containerfile-subdir',
    about: 'Containerfile in image/ with its own context (dockerfile and context both relative to the repo root)',
    from: 'v1.92.4',
    to: 'v1.92.5',
    config: `dockerfile: image/Containerfile\ncontext: image\n${ONE_ARCH}measure: { binary: /usr/local/bin/tailscaled }\n`,
    files: (v, variant) => ({
      'image/Containerfile': [
        ...buildStage(v),
        'RUN ./tools/featuretags --min --add=osrouter | sed -e \'s/ts_omit_dns,\\{0,1\\}//g\' >/out/tags && echo "$TAILSCALE_VERSION" >/out/version',
        ...finalStage(['COPY --from=build /out/ /etc/tailscale/', 'COPY prebuilt/tailscaled /usr/local/bin/tailscaled']),
      ].join('\n'),
      'image/bin/busybox': { copyOf: BUSYBOX, mode: 0o755 },
      'image/tools/featuretags': FEATURETAGS,
      'image/prebuilt/tailscaled': variant === 'regression' ? GROWN_DAEMON : DAEMON,
      'README.md': '# router image (Containerfile in image/)\n',
    }),
    expect: {
      bump: { verdict: 'success', kinds: [] },
      regression: { verdict: 'failure', kinds: ['threshold'] },
    },
  },
  {
    name: 'recipe-script',
    about: 'the recipe in a shell script the Dockerfile runs (recipe.files)',
    from: 'v1.92.4',
    to: 'v1.92.5',
    config: `${ONE_ARCH}recipe: { files: [build/tags.sh] }\nmeasure: { binary: /bin/busybox }\n`,
    files: (v) => ({
      Dockerfile: [
        ...buildStage(v),
        'COPY build/tags.sh build/tags.sh',
        'RUN sh build/tags.sh >/out/tags && echo "$TAILSCALE_VERSION" >/out/version',
        ...finalStage(['COPY --from=build /out/ /etc/tailscale/']),
      ].join('\n'),
      'build/tags.sh':
        "#!/bin/sh\n# Opt dns and portmapper back in.\n./tools/featuretags --min --add=osrouter | sed \\\n  -e 's/ts_omit_dns,\\{0,1\\}//g' \\\n  -e 's/ts_omit_portmapper,\\{0,1\\}//g'\n",
      ...BUILD_TOOLS,
    }),
    expect: { bump: { verdict: 'success', kinds: [] } },
  },
  {
    name: 'no-recipe',
    about: 'no feature-tag recipe at all: a prebuilt daemon is copied in',
    from: 'v1.92.4',
    to: 'v1.92.5',
    config: `${ONE_ARCH}measure: { binary: /usr/local/bin/tailscaled }\n`,
    files: (v, variant) => ({
      Dockerfile: finalStage([
        MARKER,
        `ARG TAILSCALE_VERSION=${v}`,
        'LABEL org.opencontainers.image.version=$TAILSCALE_VERSION',
        'COPY prebuilt/tailscaled /usr/local/bin/tailscaled',
      ]).join('\n'),
      ...BUSYBOX_FILE,
      'prebuilt/tailscaled': variant === 'regression' ? GROWN_DAEMON : DAEMON,
    }),
    expect: {
      bump: { verdict: 'success', kinds: ['no-recipe'], mentions: [/^no feature-tag recipe found in Dockerfile: opt-in checks skipped$/] },
      regression: {
        verdict: 'failure',
        kinds: ['no-recipe', 'threshold'],
        mentions: [/^linux\/amd64 compressed image grew \+3\d\d\.\d KiB/],
      },
    },
  },
  {
    name: 'shellless-exec-canaries',
    about: 'an image with no /bin/sh, checked by exec-form canaries',
    from: 'v1.92.4',
    to: 'v1.92.5',
    config: [
      ONE_ARCH,
      'measure: { binary: /usr/local/bin/tailscaled }',
      'canaries:',
      '  - { name: daemon-present, run: [/bin/busybox, test, -x, /usr/local/bin/tailscaled] }',
      '  - { name: version-file, run: [/bin/busybox, cat, /etc/tailscale/version], expect: { stdout: "^v1\\\\.92\\\\." } }',
      '',
    ].join('\n'),
    files: (v, variant) => ({
      Dockerfile: [
        ...buildStage(v),
        'RUN echo "$TAILSCALE_VERSION" >/out/version',
        // The regression: the daemon went missing from the image (the canary catches it).
        ...finalStage([
          'COPY --from=build /out/ /etc/tailscale/',
          ...(variant === 'regression' ? [] : ['COPY prebuilt/tailscaled /usr/local/bin/tailscaled']),
        ]),
      ].join('\n'),
      ...BUILD_TOOLS,
      'prebuilt/tailscaled': DAEMON,
    }),
    expect: {
      bump: { verdict: 'success', kinds: ['no-recipe'] },
      regression: {
        verdict: 'failure',
        kinds: ['canary-failed', 'no-recipe'],
        mentions: [/^canary daemon-present failed on linux\/amd64: expected exit code 0, got 1$/],
      },
    },
  },
  {
    name: 'shellless-shell-canary',
    about: 'a shell-form canary in an image with no /bin/sh is a configuration error, not a failed canary',
    from: 'v1.92.4',
    to: 'v1.92.5',
    config: `${ONE_ARCH}measure: { binary: /bin/busybox }\ncanaries:\n  - { name: daemon-present, run: "test -x /bin/busybox" }\n`,
    files: (v) => ({
      Dockerfile: finalStage([MARKER, `ARG TAILSCALE_VERSION=${v}`]).join('\n'),
      ...BUSYBOX_FILE,
    }),
    expect: {
      bump: {
        verdict: 'error',
        kinds: ['config-invalid', 'no-recipe'],
        mentions: [
          /^canary daemon-present cannot run on linux\/amd64: `run` is a shell command, but the image has no \/bin\/sh; write it in exec form, e\.g\. run: \["test","-x","\/bin\/busybox"\]$/,
        ],
      },
    },
  },
  {
    name: 'version-without-v',
    about: 'the version ARG without the v prefix (upstream tags carry it)',
    from: '1.92.4',
    to: '1.92.5',
    config: `${ONE_ARCH}measure: { binary: /bin/busybox }\n`,
    files: (v) => ({
      Dockerfile: [
        ...buildStage(v),
        'RUN ./tools/featuretags --min --add=osrouter | sed -e \'s/ts_omit_portmapper,\\{0,1\\}//g\' >/out/tags && echo "v$TAILSCALE_VERSION" >/out/version',
        ...finalStage(['COPY --from=build /out/ /etc/tailscale/']),
      ].join('\n'),
      ...BUILD_TOOLS,
    }),
    expect: { bump: { verdict: 'success', kinds: [] } },
  },
  {
    name: 'multistage-builder-arg',
    about: 'a multi-stage build with the version ARG in a builder stage, passed by build.versionArg',
    from: 'v1.92.4',
    to: 'v1.92.5',
    config: `${ONE_ARCH}build: { versionArg: TS_VERSION }\nmeasure: { binary: /usr/local/bin/tailscaled }\n`,
    files: (v, variant) => ({
      Dockerfile: [
        ...buildStage(v, 'TS_VERSION'),
        'RUN ./tools/featuretags --min --add=osrouter | sed -e \'s/ts_omit_dns,\\{0,1\\}//g\' >/out/tags && echo "$TS_VERSION" >/out/version',
        'COPY prebuilt/tailscaled /out/tailscaled',
        ...finalStage(
          ['COPY --from=build /out/tags /out/version /etc/tailscale/', 'COPY --from=build /out/tailscaled /usr/local/bin/tailscaled'],
          'FROM scratch AS final',
        ),
      ].join('\n'),
      ...BUILD_TOOLS,
      'prebuilt/tailscaled': variant === 'regression' ? GROWN_DAEMON : DAEMON,
    }),
    expect: {
      bump: { verdict: 'success', kinds: [] },
      regression: { verdict: 'failure', kinds: ['threshold'] },
    },
  },
];

export interface CorpusRepo {
  dir: string;
  /** Branch names: `bump`, and `regression` when the layout has one. */
  branches: string[];
  cleanup(): Promise<void>;
}

const GIT_ENV = {
  GIT_AUTHOR_NAME: 'corpus',
  GIT_AUTHOR_EMAIL: 'corpus@bumpguard.invalid',
  GIT_AUTHOR_DATE: '2025-01-01T00:00:00Z',
  GIT_COMMITTER_NAME: 'corpus',
  GIT_COMMITTER_EMAIL: 'corpus@bumpguard.invalid',
  GIT_COMMITTER_DATE: '2025-01-01T00:00:00Z',
  GIT_CONFIG_NOSYSTEM: '1',
  GIT_CONFIG_GLOBAL: '/dev/null',
};

/** The layout as a git repo: main at `from`, then one branch per variant off main. */
export async function makeCorpusRepo(layout: Layout): Promise<CorpusRepo> {
  const dir = await mkdtemp(join(tmpdir(), `bumpguard-corpus-${layout.name}-`));
  const git = (...args: string[]) => execa('git', args, { cwd: dir, env: GIT_ENV, stdin: 'ignore' });
  await git('init', '-q', '-b', 'main');
  await writeTree(dir, { ...layout.files(layout.from, 'base'), '.bumpguard.yml': layout.config });
  await git('add', '-A');
  await git('commit', '-q', '-m', `Tailscale ${layout.from} image`);
  const branches: string[] = [];
  for (const variant of ['bump', 'regression'] as const) {
    if (variant === 'regression' && !layout.expect.regression) continue;
    await git('checkout', '-q', '-B', variant, 'main');
    await writeTree(dir, layout.files(layout.to, variant));
    await git('add', '-A');
    await git('commit', '-q', '-m', `chore(deps): update dependency tailscale to ${layout.to}`);
    branches.push(variant);
  }
  await git('checkout', '-q', 'main');
  return { dir, branches, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

async function writeTree(dir: string, files: Record<string, FileSpec>): Promise<void> {
  for (const [path, spec] of Object.entries(files)) {
    const target = join(dir, path);
    await mkdir(dirname(target), { recursive: true });
    if (typeof spec === 'string') {
      await writeFile(target, spec, { mode: path.includes('tools/') || path.endsWith('.sh') ? 0o755 : 0o644 });
      continue;
    }
    const bytes = await readFile(spec.copyOf);
    await writeFile(target, spec.grow ? Buffer.concat([bytes, incompressible(spec.grow)]) : bytes);
    await chmod(target, spec.mode ?? 0o755);
  }
}

/** Deterministic bytes gzip cannot shrink (a stand-in for real code growth). */
function incompressible(size: number): Buffer {
  const out = Buffer.alloc(size);
  for (let i = 0, block = Buffer.alloc(0); i < size; i += block.length) {
    block = createHash('sha256').update(`corpus-${i}`).digest();
    block.copy(out, i);
  }
  return out;
}
