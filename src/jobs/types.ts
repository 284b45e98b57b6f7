// Ports of the orchestration room. `runCheck` (src/jobs/run-check.ts) is the one function
// that builds, measures and audits; the CLI and the bot both call it with their own SourceTree.
import type { BuildCache } from '../build/index.ts';
import type { BumpDecision } from '../bump/index.ts';
import type { Config } from '../config/index.ts';
import type { CheckResult, Override } from '../model.ts';
import type { EditRunner } from '../audit/source-edit-types.ts';
import type { UpstreamSource } from '../audit/upstream/types.ts';
import type { SourceTree } from '../repo/index.ts';
import type { ContainerLimits } from '../measure/index.ts';
import type { ResultStore } from '../store/index.ts';
import type { CheckSnapshot } from './check-progress.ts';
import type { RuntimeSlots } from './runtime-slots.ts';
import type { CheckEnginesOptions, EngineSetup } from './platform-engines.ts';

export type { SourceTree, CheckSnapshot };

export interface CheckRequest {
  /** "owner/name" on a forge, or the local directory path for the CLI. */
  repo: string;
  base: { ref: string; sha: string };
  head: { ref: string; sha: string };
  /** The one bump decision of the job (detectBump), used by the audit and every build. */
  bump: BumpDecision;
  /** Subset of the config's platforms (e.g. `/rebuild linux/arm64`). */
  platforms?: string[] | undefined;
  /** Ignore the stored result of the head (`--no-cache`, `/rebuild`). */
  noCache?: boolean | undefined;
  /** Ignore the stored result of the base too. */
  noCacheBase?: boolean | undefined;
  /** Audit only: no builds (`/audit`). */
  auditOnly?: boolean | undefined;
  /**
   * The head is code of someone who cannot push to the repository (a maintainer approved the
   * build): its builds fetch nothing from the network and its logs are not shown verbatim.
   */
  untrustedHead?: boolean | undefined;
}

export type ProgressEvent =
  | { phase: 'audit'; state: 'start' | 'done' }
  | { phase: 'build' | 'measure' | 'ram' | 'canary'; platform: string; side: 'base' | 'head'; state: 'start' | 'done' | 'cached' | 'failed' };

export interface CheckPorts {
  source: SourceTree;
  /** Config read from the BASE commit. */
  config: Config;
  /** Upstream Tailscale files (feature table, watched symbols), cached by tag. */
  upstream: UpstreamSource;
  /** Replays the build's sed/patch edits on upstream files (sandboxed); none: they are reported as not evaluated. */
  editRunner?: EditRunner;
  /** Reused results (a base is built once) and history; null: measure everything, keep nothing. */
  store: ResultStore | null;
  /** Injected clock (ISO timestamps in results). */
  now: () => Date;
  signal: AbortSignal;
  onProgress?: (event: ProgressEvent) => void;
  /** The check as far as it has got, after the audit and whenever a side moves on. */
  onSnapshot?: (snapshot: CheckSnapshot) => void;
  /** Runtime phases (RAM runs, canaries) at once per engine, shared by concurrent jobs; none: a bound of the core count for this check. */
  runtime?: RuntimeSlots;
  /** A BuildKit cache directory per repo and platform for builders that export one (buildx, buildctl); none: their own cache only. */
  buildCache?: BuildCache | null;
  /** Per-engine build limit shared by concurrent jobs (`serve`); none: no limit (CLI). */
  slots?: BuildSlots;
  /** The operator's engines; none: every platform on the bot's own engine. */
  engines?: EngineSetup;
  /** Asks an engine what it is, in place of `docker info` (tests run checks on fake engines). */
  probeEngine?: CheckEnginesOptions['probe'];
  /** The operator's cage for builds and containers (default: no network for untrusted code, DEFAULT_CONTAINER_LIMITS). */
  sandbox?: Sandbox;
  /** Told of every failed build with its raw log tail: the operator's log gets what the PR comment does not show. */
  onBuildFailed?: (failure: BuildFailure) => void;
}

/**
 * What the engine may fetch for a build of untrusted code: `none` (default) refuses `ADD <url>`,
 * pulled images and cache mounts; `pull` allows images (FROM, COPY --from) but not URLs; `all`
 * allows everything the Dockerfile asks, RUN steps on the configured network included.
 */
export type UntrustedNetwork = 'none' | 'pull' | 'all';

/** Operator settings (environment), never the repository's. */
export interface Sandbox {
  untrustedNetwork: UntrustedNetwork;
  limits: ContainerLimits;
  /** Labels containers so this serve can remove what a crash left behind. */
  owner?: string;
}

export interface BuildFailure {
  platform: string;
  side: 'base' | 'head';
  sha: string;
  code: string;
  message: string;
  /** Unredacted, as the builder printed it. */
  logTail: string;
}

/** Runs `fn` when a build slot on `engine` is free (src/jobs/engine-slots.ts). */
export interface BuildSlots {
  run<T>(engine: string, signal: AbortSignal, fn: () => Promise<T>): Promise<T>;
}

export type RunCheck = (req: CheckRequest, ports: CheckPorts) => Promise<CheckResult>;

/**
 * `/accept` overrides of a PR, each valid for one head SHA. Method names match
 * src/store ResultStore, which implements this port; tests use InMemoryJobState.
 */
export interface OverrideStore {
  addOverride(repo: string, pr: number, override: Override): void;
  listOverrides(repo: string, pr: number, headSha: string): Override[];
}

/** Ids of forge objects the bot updates in place (sticky comment, GitHub check run per SHA). */
export interface ForgeIdStore {
  getForgeId(repo: string, key: string): string | null;
  setForgeId(repo: string, key: string, value: string): void;
}


/** Where a job notes each gate state the forge accepted (src/store JobStore.noteGate, bound to the job). */
export interface GateLedger {
  /** `state`: a GateState, or `awaiting` (pending on a person, e.g. fork approval). */
  noteGate(gate: { pr: number; sha: string; state: string }): void;
  /** A head the job found on the PR that no push had announced (recorded like a push's). */
  noteHead?(head: { pr: number; sha: string; at: string }): void;
}
