// The `.bumpguard.yml` schema. Read from the BASE branch only: a PR cannot loosen its own gate.
// Every field has a default so a typical router image repo (three arches, Renovate) works with no file;
// objects are strict so a mistyped key is an error with its path, never a silent default.
// Each field's `.meta()` description and examples feed the editor JSON Schema and
// docs/configuration.md (`npm run schema`; a test fails when the committed docs drift).

import { z } from 'zod';

const size = z.union([z.string(), z.number()]).transform((v, ctx) => {
  const bytes = parseSize(v);
  if (bytes === null) {
    ctx.addIssue({ code: 'custom', message: `not a size: ${JSON.stringify(v)} (use e.g. 64KiB, 1MiB, 300kB or bytes)` });
    return z.NEVER;
  }
  return bytes;
});

const percent = z.union([z.string(), z.number()]).transform((v, ctx) => {
  const p = parsePercent(v);
  if (p === null) {
    ctx.addIssue({ code: 'custom', message: `not a percentage: ${JSON.stringify(v)} (use e.g. 2 or "2%")` });
    return z.NEVER;
  }
  return p;
});

/**
 * A path inside the repository. Paths reach the forge's file API, and an absolute path or a
 * ".." segment there reads other API endpoints with the bot's token, or builds outside the checkout.
 */
const repoPath = z
  .string()
  .min(1)
  .refine((p) => !p.startsWith('/') && !p.includes('\\') && !p.includes('\0') && !p.split('/').includes('..'), {
    message: 'must be a path inside the repository: relative, without ".." segments',
  });

/** A level trips only when BOTH the absolute and the relative increase exceed it. */
const level = z.strictObject({
  bytes: size.meta({ description: 'Absolute increase, human units (B, kB, KiB, MB, MiB) or bytes.', examples: ['128KiB', 65536] }),
  percent: percent.meta({ description: 'Relative increase in percent of the base.', examples: [3, '2.5%'] }),
});

const metricThreshold = z.strictObject({
  warn: level
    .optional()
    .meta({ description: 'Growth past this level is a warning (the check still passes).', examples: [{ bytes: '32KiB', percent: 1 }] }),
  fail: level
    .optional()
    .meta({ description: 'Growth past this level is a blocker (the check fails).', examples: [{ bytes: '128KiB', percent: 3 }] }),
});

const metricThresholds = z.strictObject({
  image: metricThreshold.optional().meta({ description: 'Compressed image bytes (what the router downloads).' }),
  flash: metricThreshold.optional().meta({ description: 'Block-rounded on-flash bytes, every layer extracted.' }),
  rootfs: metricThreshold.optional().meta({ description: 'Flattened rootfs bytes.' }),
  binary: metricThreshold.optional().meta({ description: 'Main binary bytes (as shipped, e.g. UPX-packed).' }),
  ramRss: metricThreshold.optional().meta({ description: 'Resident memory of the main process (median of runs).' }),
  ramPeak: metricThreshold.optional().meta({ description: 'Peak memory of the container (median of runs).' }),
});

const deprecatedBuilderKey =
  "Deprecated, honoured for one more release with a warning: the bot's operator now defines builders and engines (BUMPGUARD_ENGINES) and the repository picks one with `engine`.";

const builder = z
  .strictObject({
    engine: z
      .string()
      .min(1)
      .optional()
      .meta({
        description:
          "The engine that builds and runs this platform's image: the name of one the bot's operator defined (BUMPGUARD_ENGINES; `bumpguard check --engines FILE` for the CLI), or \"local\" for the bot's own engine.",
        examples: ['pi5'],
      }),
    kind: z
      .enum(['local', 'buildx', 'remote'])
      .optional()
      .meta({
        description: `${deprecatedBuilderKey} local: the bot's engine; buildx: the named buildx builder; remote: the BuildKit endpoint.`,
        examples: ['remote'],
      }),
    name: z
      .string()
      .optional()
      .meta({ description: `${deprecatedBuilderKey} buildx builder name (kind: buildx).`, examples: ['rpi-builder'] }),
    endpoint: z
      .string()
      .optional()
      .meta({ description: `${deprecatedBuilderKey} BuildKit address (kind: remote).`, examples: ['tcp://arm64-builder:1234'] }),
    native: z
      .boolean()
      .optional()
      .meta({
        description: 'Deprecated and ignored: whether figures are native is decided by the architecture of the engine that runs the image.',
        examples: [true],
      }),
  })
  .superRefine((b, ctx) => {
    const legacy = (['kind', 'name', 'endpoint'] as const).filter((k) => b[k] !== undefined);
    if (b.engine !== undefined && legacy.length > 0)
      ctx.addIssue({ code: 'custom', message: `engine replaces ${legacy.join(', ')}: give engine alone` });
  })
  .meta({ description: 'Where one platform is built and run.' });

const dnsExpect = {
  status: z
    .string()
    .optional()
    .meta({ description: 'DNS rcode, e.g. NOERROR, SERVFAIL, NXDOMAIN.', examples: ['NOERROR'] }),
  minAnswers: z
    .number()
    .int()
    .nonnegative()
    .optional()
    .meta({ description: 'At least this many answer records.', examples: [1] }),
  flags: z
    .array(z.string())
    .optional()
    .meta({ description: 'Header flags that must be set, e.g. [ra].', examples: [['ra']] }),
  queryTimeMs: z
    .strictObject({
      gt: z
        .number()
        .optional()
        .meta({ description: 'The query must take longer than this (0: a real lookup, not a local answer).', examples: [0] }),
      lt: z
        .number()
        .optional()
        .meta({ description: 'The query must take less than this.', examples: [500] }),
    })
    .optional()
    .meta({ description: 'Query time bounds in milliseconds (dig\'s ";; Query time").', examples: [{ gt: 0 }] }),
};

const canary = z.strictObject({
  name: z
    .string()
    .min(1)
    .meta({ description: 'Name shown in the report.', examples: ['magicdns-forwarder'] }),
  run: z.union([z.string().min(1), z.array(z.string()).min(1)]).meta({
    description:
      'The command, run in the container or in a sidecar sharing its network namespace. A string is shell form (`sh -c`, the image needs /bin/sh); ' +
      'a list of strings is exec form, run as is (as a Dockerfile\'s CMD ["…"]), for images without a shell.',
    examples: ['dig google.com @100.100.100.100', ['/bin/busybox', 'nslookup', 'router.lan', '127.0.0.1']],
  }),
  in: z
    .enum(['container', 'sidecar'])
    .default('container')
    .meta({ description: 'Where the command runs.', examples: ['sidecar'] }),
  sidecarImage: z
    .string()
    .optional()
    .meta({ description: 'Image for the sidecar (defaults to the built image itself).', examples: ['example/dig:1'] }),
  platforms: z
    .array(z.string())
    .optional()
    .meta({ description: 'Only on these platforms (default: all).', examples: [['linux/amd64']] }),
  timeoutSeconds: z
    .number()
    .positive()
    .max(600)
    .default(30)
    .meta({ description: 'The command is killed and the canary fails after this long.', examples: [10] }),
  expect: z
    .strictObject({
      exitCode: z
        .number()
        .int()
        .optional()
        .meta({ description: 'Exit code the command must return.', examples: [0] }),
      stdout: z
        .string()
        .optional()
        .meta({ description: 'Regex that stdout must match.', examples: ['^ok$'] }),
      stderr: z
        .string()
        .optional()
        .meta({ description: 'Regex that stderr must match.', examples: ['listening'] }),
      ...dnsExpect,
    })
    .default({ exitCode: 0 })
    .meta({
      description: 'What the command must produce; every key given must hold.',
      examples: [{ status: 'NOERROR', minAnswers: 1, flags: ['ra'] }],
    }),
});

const ready = z.strictObject({
  log: z
    .string()
    .optional()
    .meta({ description: 'Regex a container log line must match.', examples: ['routerd: ready'] }),
  file: z
    .string()
    .optional()
    .meta({ description: 'A file that must exist inside the container.', examples: ['/var/run/tailscale/tailscaled.sock'] }),
  delayMs: z
    .number()
    .int()
    .nonnegative()
    .max(600_000)
    .optional()
    .meta({ description: 'Fixed wait in milliseconds.', examples: [2000] }),
  timeoutMs: z
    .number()
    .int()
    .positive()
    .max(600_000)
    .default(60_000)
    .meta({ description: 'Give up after this long (milliseconds).', examples: [30000] }),
});

export const configSchema = z.strictObject({
  dockerfile: repoPath.default('Dockerfile').meta({
    description:
      'Dockerfile (or Containerfile) of the image, relative to the repo root — not to `context` — as `docker build -f FILE CONTEXT` run at the root reads it.',
    examples: ['image/Containerfile'],
  }),
  context: repoPath.default('.').meta({ description: 'Build context, relative to the repo root.', examples: ['docker'] }),
  platforms: z
    .array(z.string())
    .min(1)
    .default(['linux/amd64', 'linux/arm64', 'linux/arm/v7'])
    .meta({ description: 'Platforms to build, measure and canary.', examples: [['linux/arm64', 'linux/arm/v7']] }),
  upstream: z
    .string()
    .regex(/^[\w.-]+\/[\w.-]+$/, 'must be "owner/name"')
    .refine((r) => !r.split('/').includes('..'), 'must be "owner/name"')
    .default('tailscale/tailscale')
    .meta({ description: 'Upstream repository whose feature table is audited.', examples: ['tailscale/tailscale'] }),
  buildArgs: z
    .record(z.string().meta({ title: 'name' }), z.string())
    .default({})
    .meta({ description: 'Extra build args passed to every build.', examples: [{ UPX_FLAGS: '--lzma' }] }),
  recipe: z
    .strictObject({
      optIn: z
        .union([z.literal('auto'), z.array(z.string())])
        .default('auto')
        .meta({
          description: '"auto" reads the opt-ins from the Dockerfile recipe; a list overrides it.',
          examples: [['advertiseexitnode', 'peerapiserver', 'dns', 'netstack']],
        }),
      files: z
        .array(repoPath)
        .default([])
        .meta({
          description: 'Extra files (shell scripts) holding the recipe, relative to the repo root.',
          examples: [['scripts/build-tags.sh']],
        }),
      patches: repoPath
        .default('patches')
        .meta({ description: 'Folder of Go files copied into the Tailscale tree before the build.', examples: ['tailscale-patches'] }),
    })
    .default({ optIn: 'auto', files: [], patches: 'patches' })
    .meta({ description: 'Where the feature-tag recipe lives and which features it opts in.' }),
  acknowledge: z
    .array(
      z.union([
        z.strictObject({
          feature: z.string().meta({ description: 'The opted-in feature the finding is about.', examples: ['advertiseexitnode'] }),
          dep: z
            .string()
            .optional()
            .meta({
              description:
                "Accept only this missing dependency of the feature; without it, the feature's missing-dep, unknown-feature, noop-strip and deps-changed findings are all accepted.",
              examples: ['peerapiserver'],
            }),
          reason: z
            .string()
            .min(1)
            .meta({ description: 'Why it is fine; shown in the report.', examples: ['the router answers DNS itself'] }),
        }),
        z.strictObject({
          edit: z.string().meta({
            description:
              "Instead of a feature: a source edit, by what it edits (the upstream file a sed changes, the package Go files are copied into, or the repo's patch file); accepts its patch-stale, patch-drift and patch-unevaluated findings.",
            examples: ['net/tstun/wrap.go'],
          }),
          reason: z
            .string()
            .min(1)
            .meta({ description: 'Why it is fine; shown in the report.', examples: ['the panic is gone upstream since v1.100'] }),
        }),
      ]),
    )
    .default([])
    .meta({
      description: 'Known gaps the maintainers accept, each with a reason: by feature (and dep), or by source edit.',
      examples: [
        [
          { feature: 'advertiseexitnode', dep: 'peerapiserver', reason: "exit-node clients use the router's own DNS" },
          { edit: 'net/tstun/wrap.go', reason: 'the panic is gone upstream since v1.100' },
        ],
      ],
    }),
  watch: z
    .array(
      z.strictObject({
        file: repoPath.meta({ description: 'File in the upstream repository.', examples: ['net/tstun/wrap.go'] }),
        symbol: z.string().meta({
          description: 'Top-level Go func, var, const or type in that file; `Type.Method` for a method.',
          examples: ['invertGSOChecksum'],
        }),
      }),
    )
    .default([])
    .meta({
      description: 'Upstream symbols whose change between tags is worth a warning.',
      examples: [[{ file: 'net/tstun/wrap.go', symbol: 'invertGSOChecksum' }]],
    }),
  builders: z
    .record(z.string().meta({ title: 'platform' }), builder)
    .default({})
    .meta({
      description:
        "Engine per platform, picked by name among those the bot's operator defined; a platform not listed uses the engine the operator assigned to it, else the bot's own engine.",
      examples: [{ 'linux/arm64': { engine: 'pi5' } }],
    }),
  build: z
    .strictObject({
      timeoutSeconds: z
        .number()
        .positive()
        .max(6 * 3600)
        .default(1800)
        .meta({ description: "Per build; the build's process group is killed after it.", examples: [3600] }),
      network: z
        .enum(['none', 'default'])
        .default('none')
        .meta({
          description:
            'Network during RUN steps: none keeps builds hermetic; set default when the Dockerfile fetches sources in a RUN step (git clone, go mod download).',
          examples: ['default'],
        }),
      versionArg: z
        .string()
        .optional()
        .meta({
          description: 'Name of the version build arg; default: the ARG under the renovate marker.',
          examples: ['TAILSCALE_VERSION'],
        }),
    })
    .default({ timeoutSeconds: 1800, network: 'none' })
    .meta({ description: 'How each platform is built.' }),
  measure: z
    .strictObject({
      blockSize: size
        .pipe(
          z
            .number()
            .int()
            .min(1)
            .max(1024 * 1024),
        )
        .default(4096)
        .meta({ description: 'Filesystem block size for the on-flash estimate, from 1 byte to 1 MiB.', examples: ['1KiB'] }),
      binary: z
        .string()
        .default('/usr/local/bin/tailscale.combined')
        .meta({ description: 'Path of the main binary inside the image.', examples: ['/usr/local/bin/tailscaled'] }),
      top: z
        .number()
        .int()
        .positive()
        .max(100)
        .default(10)
        .meta({ description: 'How many largest files / movers to list.', examples: [20] }),
    })
    .default({ blockSize: 4096, binary: '/usr/local/bin/tailscale.combined', top: 10 })
    .meta({ description: 'What the image analysis reports.' }),
  ram: z
    .strictObject({
      enabled: z
        .boolean()
        .default(true)
        .meta({ description: 'Run the image to measure resident memory (foreign platforms under qemu-user).', examples: [false] }),
      runs: z
        .number()
        .int()
        .positive()
        .max(20)
        .default(3)
        .meta({ description: 'Runs per side, started side by side; medians are compared and the spread is the noise.', examples: [5] }),
      windowMs: z
        .number()
        .int()
        .positive()
        .max(600_000)
        .default(3000)
        .meta({ description: 'Sampling window after readiness.', examples: [5000] }),
      intervalMs: z
        .number()
        .int()
        .min(10)
        .max(60_000)
        .default(250)
        .meta({ description: 'Time between samples in the window.', examples: [100] }),
      process: z
        .string()
        .optional()
        .meta({
          description: 'Process whose RSS is the main figure (matched against /proc/<pid>/comm or cmdline).',
          examples: ['tailscaled'],
        }),
      command: z
        .array(z.string())
        .optional()
        .meta({
          description: "Command overriding the image's entrypoint/cmd for the RAM run.",
          examples: [['/usr/local/bin/tailscaled', '--tun=userspace-networking', '--state=mem:']],
        }),
      ready: ready
        .default({ timeoutMs: 60_000 })
        .meta({ description: 'When the started container counts as ready (sampling starts then).' }),
    })
    .default({ enabled: true, runs: 3, windowMs: 3000, intervalMs: 250, ready: { timeoutMs: 60_000 } })
    .meta({ description: 'How resident memory is measured.' }),
  canaries: z
    .array(canary)
    .default([])
    .meta({
      description: 'Runtime checks run against each built image.',
      examples: [
        [
          {
            name: 'magicdns-forwarder',
            run: 'dig google.com @100.100.100.100',
            expect: { status: 'NOERROR', minAnswers: 1, flags: ['ra'], queryTimeMs: { gt: 0 } },
          },
        ],
      ],
    }),
  thresholds: metricThresholds
    .extend({
      platforms: z
        .record(
          z.string().meta({ title: 'platform' }),
          metricThresholds.meta({ description: 'Levels for this platform; each one given replaces the level above it.' }),
        )
        .optional()
        .meta({
          description: 'Per-platform overrides, e.g. { "linux/arm/v7": { image: { fail: … } } }.',
          examples: [{ 'linux/arm/v7': { image: { fail: { bytes: '64KiB', percent: 2 } } } }],
        }),
    })
    .optional()
    .meta({ description: 'Size and memory levels per metric; each level given replaces the default one.' }),
  trigger: z
    .strictObject({
      headRef: z
        .string()
        .refine((v) => isRegExp(v), { message: 'not a valid regular expression' })
        .optional()
        .meta({ description: 'Regex the PR head ref must match, e.g. ^renovate/tailscale.', examples: ['^renovate/tailscale'] }),
      authors: z
        .array(z.string())
        .optional()
        .meta({
          description: 'Logins allowed to open bump PRs (quote names with brackets in YAML: "renovate[bot]").',
          examples: [['renovate[bot]']],
        }),
    })
    .default({})
    .meta({ description: 'Narrows which bump PRs the bot checks unasked (a maintainer command always runs).' }),
});

export type Config = z.output<typeof configSchema>;
export type Builder = z.output<typeof builder>;
export type Canary = z.output<typeof canary>;
export type MetricThresholds = z.output<typeof metricThresholds>;
export type ThresholdLevel = z.output<typeof level>;

/** A bad `trigger.headRef` must fail validation with its path, not throw later in the bot. */
function isRegExp(source: string): boolean {
  try {
    new RegExp(source);
    return true;
  } catch (err) {
    if (err instanceof SyntaxError) return false;
    throw err;
  }
}

// Human byte sizes in config: "64KiB", "1MiB", "300kB", "4096", or a number.
// Binary (KiB/MiB/GiB) and decimal (kB/MB/GB) units both accepted, as users write both.

const UNITS: Record<string, number> = {
  '': 1,
  b: 1,
  k: 1000,
  kb: 1000,
  m: 1000 ** 2,
  mb: 1000 ** 2,
  g: 1000 ** 3,
  gb: 1000 ** 3,
  ki: 1024,
  kib: 1024,
  mi: 1024 ** 2,
  mib: 1024 ** 2,
  gi: 1024 ** 3,
  gib: 1024 ** 3,
};

const SIZE_RE = /^\s*(?<num>\d+(?:\.\d+)?)\s*(?<unit>[a-z]*)\s*$/i;

/** Bytes for a human size, or null when the text is not a size. */
export function parseSize(text: string | number): number | null {
  if (typeof text === 'number') return Number.isFinite(text) && text >= 0 ? Math.round(text) : null;
  const m = SIZE_RE.exec(text);
  if (!m?.groups) return null;
  const factor = UNITS[m.groups.unit!.toLowerCase()];
  if (factor === undefined) return null;
  return Math.round(Number(m.groups.num) * factor);
}

/** "2%", "2", 2 → 2. Null when not a percentage. */
function parsePercent(text: string | number): number | null {
  if (typeof text === 'number') return Number.isFinite(text) && text >= 0 ? text : null;
  const m = /^\s*(\d+(?:\.\d+)?)\s*%?\s*$/.exec(text);
  return m ? Number(m[1]) : null;
}
