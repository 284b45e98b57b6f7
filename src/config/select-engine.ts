// Which engine builds and runs one platform's image, decided once per platform from the
// repository's `builders` entry and the operator's engines (pure):
//   1. `engine: NAME` in .bumpguard.yml: that operator engine ("local": the bot's own);
//   2. the deprecated `kind`/`name`/`endpoint` keys: still honoured for one release with a warning
//      (an operator entry with the same address is used instead of the repo's), or refused when the
//      operator says so (BUMPGUARD_REPO_BUILDERS=refuse);
//   3. the operator engine that lists the platform;
//   4. the bot's own engine.
import { BuildError } from '../errors.ts';
import { engineEndpoint, engineKind, LOCAL_ENGINE, type EngineDefinition } from './engine-definitions.ts';
import type { Builder, Config } from './schema.ts';

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

export function selectEngine(platform: string, config: Config, engines: EngineDefinition[], policy: RepoBuilderPolicy = 'warn'): EngineChoice {
  const entry = config.builders[platform];
  const where = `builders.${platform}`;
  if (entry?.engine !== undefined) {
    if (entry.engine === LOCAL_ENGINE) return local(platform, null);
    const def = engines.find((e) => e.name === entry.engine);
    if (!def) {
      const known = [LOCAL_ENGINE, ...engines.map((e) => e.name)].join(', ');
      throw new BuildError('engine-unknown', `${where}.engine: no engine named "${entry.engine}" is defined for this bot (it has: ${known}); its operator defines engines in BUMPGUARD_ENGINES.`, { platform });
    }
    return fromDefinition(platform, def, null);
  }
  if (entry?.kind === 'remote' || entry?.kind === 'buildx') return legacyBuilder(platform, entry, engines, policy);
  if (entry?.kind === 'local') return local(platform, `${where}: kind: local is the default now; remove it, or write engine: local to keep this platform off an engine the operator assigned to it.`);
  const note = entry?.native !== undefined ? `${where}.native is ignored: whether figures are native is decided by the architecture of the engine that runs the image; remove it.` : null;
  const assigned = engines.find((e) => e.platforms.includes(platform));
  return assigned ? fromDefinition(platform, assigned, note) : local(platform, note);
}

function local(platform: string, deprecation: string | null): EngineChoice {
  return { platform, name: LOCAL_ENGINE, definition: null, builder: null, identity: LOCAL_ENGINE, deprecation };
}

function fromDefinition(platform: string, def: EngineDefinition, deprecation: string | null): EngineChoice {
  const kind = engineKind(def);
  const builder: Builder | null = kind === 'buildkit' ? { kind: 'remote', endpoint: def.buildkit! } : kind === 'buildx' ? { kind: 'buildx', name: def.buildx! } : null;
  // A build-only entry runs its images on the bot's own engine: that is part of what was measured.
  const identity = builder === null ? engineEndpoint(def) : `${engineEndpoint(def)}, run on ${LOCAL_ENGINE}`;
  return { platform, name: def.name, definition: def, builder, identity, deprecation };
}

function legacyBuilder(platform: string, entry: Builder, engines: EngineDefinition[], policy: RepoBuilderPolicy): EngineChoice {
  const where = `builders.${platform}`;
  const address = entry.kind === 'remote' ? entry.endpoint : entry.name;
  const same = address === undefined ? undefined : engines.find((e) => (entry.kind === 'remote' ? e.buildkit : e.buildx) === address);
  if (same) return fromDefinition(platform, same, `${where}: write engine: ${same.name} instead of kind: ${entry.kind} (the bot's operator defines ${address} as "${same.name}").`);
  const key = entry.kind === 'remote' ? `endpoint: ${address ?? '…'}` : `name: ${address ?? '…'}`;
  const operatorEntry = `{"name": "…", "${entry.kind === 'remote' ? 'buildkit' : 'buildx'}": "${address ?? '…'}", "platforms": ["${platform}"]}`;
  const move = `the bot's operator defines it in BUMPGUARD_ENGINES (e.g. ${operatorEntry}) and this repository picks it with engine: NAME`;
  if (policy === 'refuse') {
    throw new BuildError('builder-refused', `${where}: this bot does not build where a repository's config points (kind: ${entry.kind}, ${key}); ${move}.`, { platform });
  }
  const builder: Builder = entry.kind === 'remote' ? { kind: 'remote', ...(address !== undefined ? { endpoint: address } : {}) } : { kind: 'buildx', ...(address !== undefined ? { name: address } : {}) };
  return {
    platform, name: address ?? entry.kind!, definition: null, builder,
    identity: `${entry.kind === 'remote' ? 'buildkit' : 'buildx'} ${address ?? ''}, run on ${LOCAL_ENGINE}`,
    deprecation: `${where}: kind: ${entry.kind} with ${key} in the repository's config is deprecated and stops working in the next release: ${move}.`,
  };
}
