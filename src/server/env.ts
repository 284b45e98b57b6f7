// What `bumpguard serve` reads at startup: the environment, validated once, and the root logger
// that redacts secrets.

import { createPrivateKey } from 'node:crypto';
import { resolve } from 'node:path';
import { pino, type DestinationStream, type Logger } from 'pino';
import { z } from 'zod';
import { parseSize, readEngineDefinitions, type EngineDefinition, type RepoBuilderPolicy } from '../config/index.ts';
import { ConfigError, type ConfigIssue, type HostPath } from '../core/index.ts';
import { readContainerLimits, type ContainerLimits } from '../measure/index.ts';
import type { UntrustedNetwork } from '../build/index.ts';

// Server configuration from environment variables, validated once at startup. Each problem
// names the variable and the fix, so a setup mistake reads as the operator's next step (as
// probot/probot src/helpers/get-error-handler.ts does for a bad secret or key). Either forge
// may be left out, but not half-configured, and not both.

export interface ServerEnv {
  port: number;
  host: string;
  /** sqlite file for results, history, overrides and forge ids. */
  db: string;
  logLevel: string;
  /** Jobs at once; builds are heavy (default 1). */
  concurrency: number;
  /** Builds at once on one engine across jobs (default 1; an engine's own `slots` overrides it). */
  engineConcurrency: number;
  /** The operator's engines (BUMPGUARD_ENGINES or BUMPGUARD_ENGINES_FILE); none: everything on the bot's own engine. */
  engines: EngineDefinition[];
  /** What a repository's deprecated builder keys (an address in .bumpguard.yml) get: a warning, or refused. */
  repoBuilders: RepoBuilderPolicy;
  /**
   * Platforms whose RAM runs and canaries run at once on one engine across jobs (default: the core count; an engine's own `runtimeSlots`
   * overrides it).
   */
  runtimeConcurrency: number | null;
  /** A BuildKit cache directory for builders that export one, and its bound in bytes; null: none. */
  buildCache: { dir: string; maxBytes: number } | null;
  /** On SIGTERM, how long running jobs may finish before they are cancelled and checkpointed. */
  shutdownGraceMs: number;
  /** Where upstream Tailscale sources come from: "github" or a clone/mirror directory. */
  upstream: string;
  /** Disk cache for upstream reads. */
  cacheDir: string;
  /** Token for upstream reads from GitHub (optional; raises the API rate limit). */
  upstreamToken: string | null;
  github: { appId: string; privateKey: string; webhookSecret: string; baseUrl?: string } | null;
  gitea: { url: string; token: string; webhookSecret: string; botLogin: string } | null;
  /** The cage of untrusted builds and of every container (docs/security.md). */
  sandbox: { untrustedNetwork: UntrustedNetwork; limits: ContainerLimits };
}

const GITHUB_VARS = ['APP_ID', 'PRIVATE_KEY', 'WEBHOOK_SECRET'] as const;
const GITEA_VARS = ['GITEA_URL', 'GITEA_TOKEN', 'GITEA_WEBHOOK_SECRET', 'GITEA_BOT_LOGIN'] as const;

const schema = z.object({
  /** 0 picks a free port (tests). */
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().default('0.0.0.0'),
  BUMPGUARD_DB: z.string().min(1).default('.bumpguard/bumpguard.db'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  BUMPGUARD_CONCURRENCY: z.coerce.number().int().min(1).max(16).default(1),
  BUMPGUARD_ENGINE_CONCURRENCY: z.coerce.number().int().min(1).max(16).optional(),
  /** The old name of BUMPGUARD_ENGINE_CONCURRENCY (slots were per platform then). */
  BUMPGUARD_PLATFORM_CONCURRENCY: z.coerce.number().int().min(1).max(16).optional(),
  BUMPGUARD_ENGINES: z.string().optional(),
  BUMPGUARD_ENGINES_FILE: z.string().optional(),
  BUMPGUARD_REPO_BUILDERS: z
    .enum(['warn', 'refuse'], 'is "warn" (default: a repository\'s builder address is used, with a warning) or "refuse"')
    .default('warn'),
  BUMPGUARD_RUNTIME_CONCURRENCY: z.coerce.number().int().min(1).max(64).optional(),
  BUMPGUARD_BUILD_CACHE: z.string().min(1).optional(),
  BUMPGUARD_BUILD_CACHE_MAX: z
    .string()
    .refine((v) => parseSize(v) !== null, 'must be a size such as 10GiB or 500MB')
    .default('10GiB'),
  /** Under `docker stop`'s default 10 s, so the checkpoint happens before SIGKILL. */
  BUMPGUARD_SHUTDOWN_GRACE_MS: z.coerce.number().int().min(0).max(3_600_000).default(8000),
  BUMPGUARD_UPSTREAM: z.string().min(1).default('github'),
  BUMPGUARD_UNTRUSTED_NETWORK: z
    .enum(['none', 'pull', 'all'], 'is "none" (default), "pull" (images may be pulled) or "all"')
    .default('none'),
  /** Checked by readContainerLimits (the CLI reads them too). */
  BUMPGUARD_CONTAINER_MEMORY: z.string().optional(),
  BUMPGUARD_CONTAINER_PIDS: z.string().optional(),
  BUMPGUARD_CONTAINER_USER: z.string().optional(),
  BUMPGUARD_CACHE: z.string().min(1).default('.bumpguard/cache'),
  GITHUB_TOKEN: z.string().optional(),
  APP_ID: z.string().regex(/^\d+$/, 'must be the numeric App ID from the App settings page').optional(),
  PRIVATE_KEY: z.string().optional(),
  WEBHOOK_SECRET: z.string().min(16, 'use a random secret of at least 16 characters').optional(),
  GITHUB_API_URL: z.url().optional(),
  GITEA_URL: z.url('must be the Gitea base URL, e.g. https://git.example.com').optional(),
  GITEA_TOKEN: z.string().min(1).optional(),
  GITEA_WEBHOOK_SECRET: z.string().min(16, 'use a random secret of at least 16 characters').optional(),
  GITEA_BOT_LOGIN: z.string().min(1).optional(),
});

/** `readFile` reads PRIVATE_KEY_PATH (injected so tests need no files). */
export function readServerEnv(env: NodeJS.ProcessEnv, readFile: (path: string) => string): ServerEnv {
  const raw = { ...env };
  const issues: ConfigIssue[] = [];
  if (!raw.PRIVATE_KEY && raw.PRIVATE_KEY_PATH) {
    try {
      raw.PRIVATE_KEY = readFile(raw.PRIVATE_KEY_PATH);
    } catch (err) {
      issues.push({ path: 'PRIVATE_KEY_PATH', message: `cannot read ${raw.PRIVATE_KEY_PATH}: ${(err as Error).message}` });
    }
  }
  // Treat empty variables (KEY= in an .env file) as unset.
  for (const [k, v] of Object.entries(raw)) if (v === '') delete raw[k];
  const parsed = schema.safeParse(raw);
  if (!parsed.success) issues.push(...parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })));
  const containers = readContainerLimits(raw);
  issues.push(...containers.issues);
  // Which forges are set up, and the key, are judged on what is set, not on the parsed values:
  // one start lists every problem, instead of revealing them one per start.
  // PRIVATE_KEY_PATH stands for PRIVATE_KEY, also when the file could not be read (reported above).
  const isSet = (v: string) => raw[v] !== undefined || (v === 'PRIVATE_KEY' && raw.PRIVATE_KEY_PATH !== undefined);
  const github = configured('GitHub App', GITHUB_VARS, isSet, issues);
  const gitea = configured('Gitea', GITEA_VARS, isSet, issues);
  if (raw.PRIVATE_KEY && !isPrivateKey(raw.PRIVATE_KEY.replace(/\\n/g, '\n'))) {
    issues.push({
      path: 'PRIVATE_KEY',
      message: 'is not a PEM private key: paste the .pem downloaded from the App settings, or set PRIVATE_KEY_PATH',
    });
  }
  const engines = engineDefinitions(raw, readFile, issues);
  if (![...GITHUB_VARS, ...GITEA_VARS].some(isSet)) {
    issues.push({
      path: '(env)',
      message: `configure at least one forge: ${GITHUB_VARS.join(', ')} for GitHub, or ${GITEA_VARS.join(', ')} for Gitea`,
    });
  }
  const e = parsed.data;
  if (issues.length > 0 || !e) {
    throw new ConfigError(`The server environment is invalid: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`, issues);
  }
  return {
    port: e.PORT,
    host: e.HOST,
    db: e.BUMPGUARD_DB,
    logLevel: e.LOG_LEVEL,
    concurrency: e.BUMPGUARD_CONCURRENCY,
    engineConcurrency: e.BUMPGUARD_ENGINE_CONCURRENCY ?? e.BUMPGUARD_PLATFORM_CONCURRENCY ?? 1,
    engines,
    repoBuilders: e.BUMPGUARD_REPO_BUILDERS,
    runtimeConcurrency: e.BUMPGUARD_RUNTIME_CONCURRENCY ?? null,
    buildCache: e.BUMPGUARD_BUILD_CACHE ? { dir: e.BUMPGUARD_BUILD_CACHE, maxBytes: parseSize(e.BUMPGUARD_BUILD_CACHE_MAX)! } : null,
    shutdownGraceMs: e.BUMPGUARD_SHUTDOWN_GRACE_MS,
    upstream: e.BUMPGUARD_UPSTREAM,
    cacheDir: e.BUMPGUARD_CACHE,
    upstreamToken: e.GITHUB_TOKEN ?? null,
    github: github
      ? {
          appId: e.APP_ID!,
          privateKey: e.PRIVATE_KEY!.replace(/\\n/g, '\n'),
          webhookSecret: e.WEBHOOK_SECRET!,
          ...(e.GITHUB_API_URL ? { baseUrl: e.GITHUB_API_URL } : {}),
        }
      : null,
    gitea: gitea
      ? { url: e.GITEA_URL!, token: e.GITEA_TOKEN!, webhookSecret: e.GITEA_WEBHOOK_SECRET!, botLogin: e.GITEA_BOT_LOGIN! }
      : null,
    sandbox: { untrustedNetwork: e.BUMPGUARD_UNTRUSTED_NETWORK, limits: containers.limits },
  };
}

/** The operator's engines; a problem becomes an issue so one start lists them all. */
function engineDefinitions(raw: NodeJS.ProcessEnv, readFile: (path: string) => string, issues: ConfigIssue[]): EngineDefinition[] {
  try {
    return readEngineDefinitions({ json: raw.BUMPGUARD_ENGINES, file: raw.BUMPGUARD_ENGINES_FILE }, readFile);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    issues.push(...err.issues);
    return [];
  }
}

/** All of a forge's variables set → true; none → false; some → an issue per missing one. */
function configured(name: string, vars: readonly string[], isSet: (v: string) => boolean, issues: ConfigIssue[]): boolean {
  const missing = vars.filter((v) => !isSet(v));
  if (missing.length === vars.length) return false;
  for (const v of missing) issues.push({ path: v, message: `is required for ${name} (${vars.join(', ')} go together)` });
  return missing.length === 0;
}

function isPrivateKey(pem: string): boolean {
  try {
    createPrivateKey(pem);
    return true;
  } catch (err) {
    if (err instanceof Error) return false;
    throw err;
  }
}

// The root logger of `bumpguard serve`. Secrets never reach the log: tokens, keys, webhook
// secrets and signatures are redacted wherever they appear in a logged object.
const REDACT_PATHS = [
  'token',
  'privateKey',
  'webhookSecret',
  'secret',
  '*.token',
  '*.privateKey',
  '*.webhookSecret',
  '*.secret',
  '*.*.token',
  '*.*.privateKey',
  '*.*.webhookSecret',
  'headers.authorization',
  'req.headers.authorization',
  'req.headers["x-hub-signature-256"]',
  'req.headers["x-hub-signature"]',
  'req.headers["x-gitea-signature"]',
  'req.headers["x-gogs-signature"]',
  'err.request.headers.authorization',
  'err.cause.request.headers.authorization',
];

export function createLogger(opts: { level?: string; destination?: DestinationStream | NodeJS.WritableStream } = {}): Logger {
  const options = { level: opts.level ?? 'info', redact: { paths: REDACT_PATHS, censor: '[redacted]' } };
  return opts.destination ? pino(options, opts.destination) : pino(options);
}

/**
 * The paths and engine addresses this server's environment names, each with the placeholder a PR
 * sees instead. Paths are taken absolute and only when two segments deep at least, so a short one
 * ("/data") never rewrites a report's own text; a single-label host name ("builder") is left
 * alone for the same reason.
 */
export function serverHostPaths(env: ServerEnv, cwd: string): HostPath[] {
  const path = (p: string, as: string): HostPath[] => {
    const abs = resolve(cwd, p);
    return abs.split('/').filter(Boolean).length >= 2 ? [{ path: abs, as }] : [];
  };
  return [
    ...(env.db === ':memory:' ? [] : path(env.db, '<database>')),
    ...path(env.cacheDir, '<cache>'),
    ...(env.upstream === 'github' ? [] : path(env.upstream, '<upstream>')),
    ...(env.buildCache ? path(env.buildCache.dir, '<build-cache>') : []),
    ...env.engines.flatMap((e) => engineAddresses(e).map((address) => ({ path: address, as: `<engine ${e.name}>` }))),
  ];
}

/** An engine's URLs as written, and the parts an error quotes on their own (ssh's user@host, a dotted host name or address). */
function engineAddresses(e: EngineDefinition): string[] {
  const urls = [e.host, e.buildkit].filter((u): u is string => u !== undefined);
  const parts = urls.flatMap((u) => {
    const url = URL.parse(u);
    if (!url?.hostname) return [];
    const host = url.hostname.replace(/^\[|\]$/g, '');
    return [...(url.username ? [`${url.username}@${url.hostname}`] : []), ...(/[.:]/.test(host) ? [host] : [])];
  });
  const tls = e.tls ? [e.tls.ca, e.tls.cert, e.tls.key] : [];
  return [...urls, ...parts, ...tls];
}
