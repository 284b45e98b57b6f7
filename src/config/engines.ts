// Engines: the operator's definitions, and the one decision of which engine builds and runs
// each platform.

import { parse as parseYaml, YAMLParseError } from 'yaml';
import { z } from 'zod';
import { BuildError, ConfigError, LOCAL_ENGINE, messageOf, type ConfigIssue } from '../core/index.ts';
import type { Builder, Config } from './schema.ts';

// The engines the bot's OPERATOR defines (BUMPGUARD_ENGINES, BUMPGUARD_ENGINES_FILE, the CLI's
// --engines FILE): where each platform is built and run. A repository only picks among them by
// name (`builders: { linux/arm64: { engine: pi5 } }`), so a bot installed on many repositories
// never connects to an address a repository names. Pure: the caller reads the text.
//
//   host      a DOCKER_HOST value (unix://, tcp:// with `tls`, ssh://user@host): build, load, run there
//   context   a Docker context of the bot's docker client: the same, by the context's endpoint
//   buildkit  a BuildKit daemon address: builds only; the image runs on the bot's own engine
//   buildx    a buildx builder of the bot's docker client: builds only, the same

const ENDPOINT_KEYS = ['host', 'context', 'buildkit', 'buildx'] as const;

const platform = z.string().regex(/^[a-z0-9]+\/[a-z0-9_]+(\/[a-z0-9]+)?$/, 'is not a platform like linux/arm64 or linux/arm/v7');

const engineDefinition = z
  .strictObject({
    name: z
      .string()
      .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/, 'must be letters, digits, ".", "_" or "-" (at most 63)')
      .refine((n) => n !== LOCAL_ENGINE, `"${LOCAL_ENGINE}" is the bot's own engine and cannot be redefined`),
    host: z
      .string()
      .regex(/^(unix|tcp|ssh):\/\/\S+$/, 'must be a DOCKER_HOST value: unix:///path, tcp://host:port or ssh://user@host')
      .optional(),
    context: z.string().min(1).optional(),
    buildkit: z
      .string()
      .regex(/^[a-z][a-z0-9+.-]*:\/\/\S+$/, 'must be a BuildKit address such as tcp://arm64-builder:1234')
      .optional(),
    buildx: z.string().min(1).optional(),
    /** Client certificate for a tcp:// host (the daemon's --tlsverify). */
    tls: z.strictObject({ ca: z.string().min(1), cert: z.string().min(1), key: z.string().min(1) }).optional(),
    /** Platforms that use this engine unless the repository picks another. */
    platforms: z.array(platform).default([]),
    /** Builds at once on this engine across jobs (default: BUMPGUARD_ENGINE_CONCURRENCY). */
    slots: z.number().int().min(1).max(16).optional(),
    /**
     * Platforms whose RAM runs and canaries run at once on this engine (default: BUMPGUARD_RUNTIME_CONCURRENCY, else the bot's core count).
     */
    runtimeSlots: z.number().int().min(1).max(64).optional(),
  })
  .superRefine((d, ctx) => {
    const given = ENDPOINT_KEYS.filter((k) => d[k] !== undefined);
    if (given.length !== 1) {
      ctx.addIssue({
        code: 'custom',
        message: `needs exactly one of ${ENDPOINT_KEYS.join(', ')}${given.length > 1 ? ` (has ${given.join(' and ')})` : ''}`,
      });
    }
    if (d.tls !== undefined && !d.host?.startsWith('tcp://')) {
      ctx.addIssue({ code: 'custom', path: ['tls'], message: 'applies to a tcp:// host only (ssh:// and unix:// need no certificates)' });
    }
  });

const engineDefinitions = z.array(engineDefinition).superRefine((list, ctx) => {
  const names = new Map<string, number>();
  const owners = new Map<string, string>();
  list.forEach((d, i) => {
    if (names.has(d.name))
      ctx.addIssue({ code: 'custom', path: [i, 'name'], message: `"${d.name}" is defined twice (also entry ${names.get(d.name)})` });
    names.set(d.name, i);
    for (const p of d.platforms) {
      const owner = owners.get(p);
      if (owner !== undefined && owner !== d.name)
        ctx.addIssue({ code: 'custom', path: [i, 'platforms'], message: `${p} is already served by "${owner}": one engine per platform` });
      owners.set(p, d.name);
    }
  });
});

export type EngineDefinition = z.output<typeof engineDefinition>;

/** How the image of a platform gets built and run, from the operator's entry. */
type EngineKind = (typeof ENDPOINT_KEYS)[number];

function engineKind(d: EngineDefinition): EngineKind {
  return ENDPOINT_KEYS.find((k) => d[k] !== undefined) ?? 'host';
}

/** What the entry points at, for logs and the store key (`ssh://pi@pi5.lan`, `context arm64`). */
export function engineEndpoint(d: EngineDefinition): string {
  const kind = engineKind(d);
  return kind === 'host' ? d.host! : `${kind} ${d[kind]!}`;
}

/**
 * The operator's engine list from JSON (or YAML) text; empty text is no engines. `source` names
 * the variable or file in messages. Throws ConfigError naming each bad entry.
 */
export function parseEngineDefinitions(text: string | null, source: string): EngineDefinition[] {
  if (text === null || text.trim() === '') return [];
  let raw: unknown;
  try {
    raw = parseYaml(text);
  } catch (err) {
    if (!(err instanceof YAMLParseError)) throw err;
    const why = err.message.split('\n')[0] ?? 'unreadable';
    throw new ConfigError(`${source} is not valid JSON: ${why}`, [{ path: source, message: why }], { cause: err });
  }
  const parsed = engineDefinitions.safeParse(raw);
  if (!parsed.success) {
    const issues: ConfigIssue[] = parsed.error.issues.map((i) => ({ path: [source, ...i.path.map(String)].join('.'), message: i.message }));
    throw new ConfigError(`${source} is invalid: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`, issues);
  }
  return parsed.data;
}

/** Build-slot limits of the engines that set their own (EngineSlots in src/jobs). */
export function engineSlotLimits(definitions: EngineDefinition[]): Record<string, number> {
  return Object.fromEntries(definitions.filter((d) => d.slots !== undefined).map((d) => [d.name, d.slots!]));
}

/**
 * The runtime bound per engine that runs images: an entry's `runtimeSlots`, else `fallback`
 * (BUMPGUARD_RUNTIME_CONCURRENCY), else null for the caller's default (the core count). A
 * build-only entry (buildkit, buildx) runs its images on the bot's own engine: no bound of its own.
 */
export function engineRuntimeLimits(definitions: EngineDefinition[], fallback?: number): (engine: string) => number | null {
  const own = new Map(definitions.filter((d) => d.runtimeSlots !== undefined).map((d) => [d.name, d.runtimeSlots!]));
  return (engine) => own.get(engine) ?? fallback ?? null;
}

/** Where the operator's engines come from: BUMPGUARD_ENGINES, BUMPGUARD_ENGINES_FILE, or a CLI flag's file. */
export interface EngineSources {
  /** JSON text (BUMPGUARD_ENGINES). */
  json?: string | undefined;
  /** A file holding the same JSON (BUMPGUARD_ENGINES_FILE, `--engines FILE`). */
  file?: string | undefined;
  /** Name of the variable or flag that gave `file`, for messages. */
  fileSource?: string;
}

/** The engines from one source; both given is a mistake, none is no engines. `readFile` is injected. */
export function readEngineDefinitions(from: EngineSources, readFile: (path: string) => string): EngineDefinition[] {
  const fileSource = from.fileSource ?? 'BUMPGUARD_ENGINES_FILE';
  if (from.json?.trim() && from.file?.trim()) {
    throw new ConfigError(`Give the engines once: BUMPGUARD_ENGINES or ${fileSource}, not both.`, [
      { path: fileSource, message: 'set together with BUMPGUARD_ENGINES' },
    ]);
  }
  if (from.file?.trim()) {
    let text: string;
    try {
      text = readFile(from.file);
    } catch (err) {
      const why = messageOf(err);
      throw new ConfigError(
        `${fileSource}: cannot read ${from.file}: ${why}`,
        [{ path: fileSource, message: `cannot read ${from.file}: ${why}` }],
        { cause: err },
      );
    }
    return parseEngineDefinitions(text, `${fileSource} (${from.file})`);
  }
  return parseEngineDefinitions(from.json ?? null, 'BUMPGUARD_ENGINES');
}

// Which engine builds and runs one platform's image, decided once per platform from the
// repository's `builders` entry and the operator's engines (pure):
//   1. `engine: NAME` in .bumpguard.yml: that operator engine ("local": the bot's own);
//   2. the deprecated `kind`/`name`/`endpoint` keys: still honoured for one release with a warning
//      (an operator entry with the same address is used instead of the repo's), or refused when the
//      operator says so (BUMPGUARD_REPO_BUILDERS=refuse);
//   3. the operator engine that lists the platform;
//   4. the bot's own engine.
/** What the operator lets repositories do with the deprecated builder keys (one release). */
export type RepoBuilderPolicy = 'warn' | 'refuse';

export interface EngineChoice {
  platform: string;
  /** "local", an operator engine's name, or for a deprecated repository builder its address. */
  name: string;
  /** The operator's entry; null for the bot's own engine and deprecated repository builders. */
  definition: EngineDefinition | null;
  /** Builds elsewhere (a BuildKit endpoint or buildx builder); the image then runs on the bot's own engine. */
  builder: Builder | null;
  /** Results are stored under it: figures are only ever reused from the same engine. */
  identity: string;
  /** The deprecated keys in use, and what to write instead. */
  deprecation: string | null;
}

export function selectEngine(
  platform: string,
  config: Config,
  engines: EngineDefinition[],
  policy: RepoBuilderPolicy = 'warn',
): EngineChoice {
  const entry = config.builders[platform];
  const where = `builders.${platform}`;
  if (entry?.engine !== undefined) {
    if (entry.engine === LOCAL_ENGINE) return local(platform, null);
    const def = engines.find((e) => e.name === entry.engine);
    if (!def) {
      const known = [LOCAL_ENGINE, ...engines.map((e) => e.name)].join(', ');
      throw new BuildError(
        'engine-unknown',
        `${where}.engine: no engine named "${entry.engine}" is defined for this bot (it has: ${known}); its operator defines engines in BUMPGUARD_ENGINES.`,
        { platform },
      );
    }
    return fromDefinition(platform, def, null);
  }
  if (entry?.kind === 'remote' || entry?.kind === 'buildx') return legacyBuilder(platform, entry, engines, policy);
  if (entry?.kind === 'local')
    return local(
      platform,
      `${where}: kind: local is the default now; remove it, or write engine: local to keep this platform off an engine the operator assigned to it.`,
    );
  const note =
    entry?.native !== undefined
      ? `${where}.native is ignored: whether figures are native is decided by the architecture of the engine that runs the image; remove it.`
      : null;
  const assigned = engines.find((e) => e.platforms.includes(platform));
  return assigned ? fromDefinition(platform, assigned, note) : local(platform, note);
}

function local(platform: string, deprecation: string | null): EngineChoice {
  return { platform, name: LOCAL_ENGINE, definition: null, builder: null, identity: LOCAL_ENGINE, deprecation };
}

function fromDefinition(platform: string, def: EngineDefinition, deprecation: string | null): EngineChoice {
  const kind = engineKind(def);
  const builder: Builder | null =
    kind === 'buildkit' ? { kind: 'remote', endpoint: def.buildkit! } : kind === 'buildx' ? { kind: 'buildx', name: def.buildx! } : null;
  // A build-only entry runs its images on the bot's own engine: that is part of what was measured.
  const identity = builder === null ? engineEndpoint(def) : `${engineEndpoint(def)}, run on ${LOCAL_ENGINE}`;
  return { platform, name: def.name, definition: def, builder, identity, deprecation };
}

function legacyBuilder(platform: string, entry: Builder, engines: EngineDefinition[], policy: RepoBuilderPolicy): EngineChoice {
  const where = `builders.${platform}`;
  const address = entry.kind === 'remote' ? entry.endpoint : entry.name;
  const same = address === undefined ? undefined : engines.find((e) => (entry.kind === 'remote' ? e.buildkit : e.buildx) === address);
  if (same)
    return fromDefinition(
      platform,
      same,
      `${where}: write engine: ${same.name} instead of kind: ${entry.kind} (the bot's operator defines ${address} as "${same.name}").`,
    );
  const key = entry.kind === 'remote' ? `endpoint: ${address ?? '…'}` : `name: ${address ?? '…'}`;
  const operatorEntry = `{"name": "…", "${entry.kind === 'remote' ? 'buildkit' : 'buildx'}": "${address ?? '…'}", "platforms": ["${platform}"]}`;
  const move = `the bot's operator defines it in BUMPGUARD_ENGINES (e.g. ${operatorEntry}) and this repository picks it with engine: NAME`;
  if (policy === 'refuse') {
    throw new BuildError(
      'builder-refused',
      `${where}: this bot does not build where a repository's config points (kind: ${entry.kind}, ${key}); ${move}.`,
      { platform },
    );
  }
  const builder: Builder =
    entry.kind === 'remote'
      ? { kind: 'remote', ...(address !== undefined ? { endpoint: address } : {}) }
      : { kind: 'buildx', ...(address !== undefined ? { name: address } : {}) };
  return {
    platform,
    name: address ?? entry.kind!,
    definition: null,
    builder,
    identity: `${entry.kind === 'remote' ? 'buildkit' : 'buildx'} ${address ?? ''}, run on ${LOCAL_ENGINE}`,
    deprecation: `${where}: kind: ${entry.kind} with ${key} in the repository's config is deprecated and stops working in the next release: ${move}.`,
  };
}
