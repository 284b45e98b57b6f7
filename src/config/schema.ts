// The `.bumpguard.yml` schema. Read from the BASE branch only (design.md).
// Every field has a default so a repo in the model user's style works with no file;
// objects are strict so a mistyped key is an error with its path, never a silent default.
import { z } from 'zod';
import { parsePercent, parseSize } from './parse-size.ts';

const size = z
  .union([z.string(), z.number()])
  .transform((v, ctx) => {
    const bytes = parseSize(v);
    if (bytes === null) {
      ctx.addIssue({ code: 'custom', message: `not a size: ${JSON.stringify(v)} (use e.g. 64KiB, 1MiB, 300kB or bytes)` });
      return z.NEVER;
    }
    return bytes;
  });

const percent = z
  .union([z.string(), z.number()])
  .transform((v, ctx) => {
    const p = parsePercent(v);
    if (p === null) {
      ctx.addIssue({ code: 'custom', message: `not a percentage: ${JSON.stringify(v)} (use e.g. 2 or "2%")` });
      return z.NEVER;
    }
    return p;
  });

/** A level trips only when BOTH the absolute and the relative increase exceed it. */
const level = z.strictObject({
  /** Absolute increase, human units. */
  bytes: size,
  /** Relative increase in percent of the base. */
  percent: percent,
});

const metricThreshold = z.strictObject({
  warn: level.optional(),
  fail: level.optional(),
});

export const METRICS = ['image', 'flash', 'rootfs', 'binary', 'ramRss', 'ramPeak'] as const;
export type Metric = (typeof METRICS)[number];

const metricThresholds = z.strictObject({
  /** Compressed image bytes (what the router downloads). */
  image: metricThreshold.optional(),
  /** Block-rounded on-flash bytes, every layer extracted. */
  flash: metricThreshold.optional(),
  /** Flattened rootfs bytes. */
  rootfs: metricThreshold.optional(),
  /** Main binary bytes (as shipped, e.g. UPX-packed). */
  binary: metricThreshold.optional(),
  /** Resident memory of the main process (median of runs). */
  ramRss: metricThreshold.optional(),
  /** Peak memory of the container (median of runs). */
  ramPeak: metricThreshold.optional(),
});

const builder = z.strictObject({
  /** local: the engine on this machine; buildx: a named buildx builder; remote: a BuildKit endpoint. */
  kind: z.enum(['local', 'buildx', 'remote']).default('local'),
  /** buildx builder name (kind: buildx). */
  name: z.string().optional(),
  /** BuildKit address, e.g. tcp://arm64-builder:1234 (kind: remote). */
  endpoint: z.string().optional(),
  /** Builds on a native host of this platform: RAM figures are not emulated. */
  native: z.boolean().optional(),
});

const dnsExpect = {
  /** DNS rcode, e.g. NOERROR, SERVFAIL, NXDOMAIN. */
  status: z.string().optional(),
  /** At least this many answer records. */
  minAnswers: z.number().int().nonnegative().optional(),
  /** Header flags that must be set, e.g. [ra]. */
  flags: z.array(z.string()).optional(),
  /** Query time bounds in milliseconds (dig's ";; Query time"). */
  queryTimeMs: z.strictObject({ gt: z.number().optional(), lt: z.number().optional() }).optional(),
};

const canary = z.strictObject({
  name: z.string().min(1),
  /** Shell command (busybox sh) run in the container or in a sidecar sharing its network namespace. */
  run: z.string().min(1),
  /** Where the command runs. */
  in: z.enum(['container', 'sidecar']).default('container'),
  /** Image for the sidecar (defaults to the built image itself). */
  sidecarImage: z.string().optional(),
  /** Only on these platforms (default: all). */
  platforms: z.array(z.string()).optional(),
  timeoutSeconds: z.number().positive().default(30),
  expect: z
    .strictObject({
      exitCode: z.number().int().optional(),
      /** Regex that stdout must match. */
      stdout: z.string().optional(),
      /** Regex that stderr must match. */
      stderr: z.string().optional(),
      ...dnsExpect,
    })
    .default({ exitCode: 0 }),
});

const ready = z.strictObject({
  /** Regex a container log line must match. */
  log: z.string().optional(),
  /** A file that must exist inside the container. */
  file: z.string().optional(),
  /** Fixed wait in milliseconds. */
  delayMs: z.number().int().nonnegative().optional(),
  /** Give up after this long. */
  timeoutMs: z.number().int().positive().default(60_000),
});

export const configSchema = z.strictObject({
  /** Dockerfile of the image, relative to the repo root. */
  dockerfile: z.string().default('Dockerfile'),
  /** Build context, relative to the repo root. */
  context: z.string().default('.'),
  /** Platforms to build, measure and canary. */
  platforms: z.array(z.string()).min(1).default(['linux/amd64', 'linux/arm64', 'linux/arm/v7']),
  /** Upstream repository whose feature table is audited. */
  upstream: z.string().default('tailscale/tailscale'),
  /** Extra build args passed to every build. */
  buildArgs: z.record(z.string(), z.string()).default({}),
  recipe: z
    .strictObject({
      /** "auto" reads the opt-ins from the Dockerfile recipe; a list overrides it. */
      optIn: z.union([z.literal('auto'), z.array(z.string())]).default('auto'),
      /** Extra files (shell scripts) holding the recipe, relative to the repo root. */
      files: z.array(z.string()).default([]),
      /** Folder of Go files copied into the Tailscale tree before the build. */
      patches: z.string().default('patches'),
    })
    .default({ optIn: 'auto', files: [], patches: 'patches' }),
  /** Known gaps the maintainers accept, each with a reason. */
  acknowledge: z
    .array(z.strictObject({ feature: z.string(), dep: z.string().optional(), reason: z.string().min(1) }))
    .default([]),
  /** Upstream symbols whose change between tags is worth a warning. */
  watch: z.array(z.strictObject({ file: z.string(), symbol: z.string() })).default([]),
  /** Builder per platform; platforms not listed use the local engine. */
  builders: z.record(z.string(), builder).default({}),
  build: z
    .strictObject({
      timeoutSeconds: z.number().positive().default(1800),
      /** Network during RUN steps: none keeps builds hermetic. */
      network: z.enum(['none', 'default']).default('none'),
      /** Name of the version build arg; default: the ARG under the renovate marker. */
      versionArg: z.string().optional(),
    })
    .default({ timeoutSeconds: 1800, network: 'none' }),
  measure: z
    .strictObject({
      /** Filesystem block size for the on-flash estimate. */
      blockSize: size.default(4096),
      /** Path of the main binary inside the image. */
      binary: z.string().default('/usr/local/bin/tailscale.combined'),
      /** How many largest files / movers to list. */
      top: z.number().int().positive().default(10),
    })
    .default({ blockSize: 4096, binary: '/usr/local/bin/tailscale.combined', top: 10 }),
  ram: z
    .strictObject({
      enabled: z.boolean().default(true),
      runs: z.number().int().positive().default(3),
      /** Sampling window after readiness. */
      windowMs: z.number().int().positive().default(3000),
      intervalMs: z.number().int().positive().default(250),
      /** Process whose RSS is the main figure (matched against /proc/<pid>/comm or cmdline). */
      process: z.string().optional(),
      /** Command overriding the image's entrypoint/cmd for the RAM run. */
      command: z.array(z.string()).optional(),
      ready: ready.default({ timeoutMs: 60_000 }),
    })
    .default({ enabled: true, runs: 3, windowMs: 3000, intervalMs: 250, ready: { timeoutMs: 60_000 } }),
  canaries: z.array(canary).default([]),
  thresholds: metricThresholds
    .extend({
      /** Per-platform overrides, e.g. { "linux/arm/v7": { image: { fail: … } } }. */
      platforms: z.record(z.string(), metricThresholds).optional(),
    })
    .optional(),
  /** Which PRs the bot treats as bump PRs (beyond the diff detector). */
  trigger: z
    .strictObject({
      /** Regex the PR head ref must match, e.g. ^renovate/tailscale. */
      headRef: z
        .string()
        .refine((v) => isRegExp(v), { message: 'not a valid regular expression' })
        .optional(),
      /** Logins allowed to open bump PRs, e.g. [renovate[bot]]. */
      authors: z.array(z.string()).optional(),
    })
    .default({}),
});

export type Config = z.output<typeof configSchema>;
export type ConfigInput = z.input<typeof configSchema>;
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
