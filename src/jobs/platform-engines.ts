// The engines of one check: which engine each platform uses (src/config select-engine.ts decides)
// and its docker client, probed once per engine and only when a platform needs it, so a platform
// measured before needs no engine at all, and one unreachable engine fails only its platforms.
import { existsSync } from 'node:fs';
import { detectEngine, pickDockerBinary, type EngineInfo } from '../build/index.ts';
import { selectEngine, type Config, type EngineChoice, type EngineDefinition, type RepoBuilderPolicy } from '../config/index.ts';
import { dockerClientFor, type DockerClient } from '../docker-client.ts';
import type { BuildError } from '../errors.ts';
import { isEmulated } from '../measure/index.ts';
import type { EngineLabel, PlatformResult, SideResult } from '../model.ts';

/** What the operator set up (BUMPGUARD_ENGINES, BUMPGUARD_REPO_BUILDERS; the CLI's --engines). */
export interface EngineSetup {
  definitions: EngineDefinition[];
  repoBuilders: RepoBuilderPolicy;
}

export interface PlatformEngine {
  choice: EngineChoice;
  /** The client of the engine the image runs on (the bot's own for build-only builders). */
  client: DockerClient;
  /** The engine's answer to `docker info`, asked once per check; rejects with BuildError (engine-unreachable, no-docker). */
  ready(signal: AbortSignal): Promise<EngineInfo>;
  /** That answer once it came, else null (never asked, or unreachable). */
  info(): EngineInfo | null;
}

export interface CheckEnginesOptions {
  /** The docker binary (default: $BUMPGUARD_DOCKER, /usr/bin/docker, or docker on PATH). */
  docker?: string;
  env?: NodeJS.ProcessEnv;
  /** Replaces `docker info` (tests). */
  probe?: (client: DockerClient, signal: AbortSignal) => Promise<EngineInfo>;
}

export class CheckEngines {
  readonly #config: Config;
  readonly #setup: EngineSetup;
  readonly #docker: string;
  readonly #env: NodeJS.ProcessEnv;
  readonly #probe: NonNullable<CheckEnginesOptions['probe']>;
  readonly #probes = new Map<string, { promise: Promise<EngineInfo>; info: EngineInfo | null }>();

  constructor(config: Config, setup: EngineSetup = { definitions: [], repoBuilders: 'warn' }, opts: CheckEnginesOptions = {}) {
    this.#config = config;
    this.#setup = setup;
    this.#env = opts.env ?? process.env;
    this.#docker = opts.docker ?? pickDockerBinary(this.#env, existsSync);
    this.#probe = opts.probe ?? ((client, signal) => detectEngine({ client, signal }));
  }

  /** The engine of `platform`; throws BuildError when the repository picks one it may not (engine-unknown, builder-refused). */
  for(platform: string): PlatformEngine {
    const choice = selectEngine(platform, this.#config, this.#setup.definitions, this.#setup.repoBuilders);
    const client = dockerClientFor(choice.definition, this.#docker, this.#env);
    return {
      choice,
      client,
      ready: (signal) => this.#ready(client, signal),
      info: () => this.#probes.get(client.engine)?.info ?? null,
    };
  }

  #ready(client: DockerClient, signal: AbortSignal): Promise<EngineInfo> {
    let probe = this.#probes.get(client.engine);
    if (!probe) {
      const entry: { promise: Promise<EngineInfo>; info: EngineInfo | null } = { promise: this.#probe(client, signal), info: null };
      // The rejection reaches every caller of ready(); this only notes a success for info().
      entry.promise.then((info) => (entry.info = info), () => undefined);
      this.#probes.set(client.engine, entry);
      probe = entry;
    }
    return probe.promise;
  }
}

/** RAM and canaries ran where the engine is: native when its CPU is the platform's, else under qemu-user. */
export function platformResult(platform: string, engine: PlatformEngine, sides: Pick<PlatformResult, 'base' | 'head'>): PlatformResult {
  const info = engine.info();
  // Sides reused from the store say which engine measured them (the same one: it is in their key).
  const label: EngineLabel = { name: engine.choice.name, platform: info?.hostPlatform ?? sides.head?.engine?.platform ?? sides.base?.engine?.platform ?? null };
  const emulated = label.platform !== null ? isEmulated(platform, label.platform) : (sides.head?.ram?.emulated ?? sides.base?.ram?.emulated ?? false);
  return { platform, emulated, engine: label, ...sides };
}

/** A side that was never built: the error that kept its platform from having an engine. */
export function unbuiltSide(commit: string, version: string | null, err: BuildError): SideResult {
  return { commit, version, cached: false, analysis: null, ram: null, canaries: [], error: { message: err.userMessage, logTail: err.logTail, code: err.code } };
}
