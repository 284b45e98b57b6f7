// Ports of the orchestration room. `runCheck` (src/jobs/run-check.ts) is the one function
// that builds, measures and audits; the CLI and the bot both call it with their own SourceTree.
import type { BuildCache, UntrustedNetwork } from '../build/index.ts';
import type { BumpDecision } from '../bump/index.ts';
import type { Config } from '../config/index.ts';
import type { CheckProgress, CheckResult, EditRunner, SourceTree, UpstreamSource } from '../core/index.ts';
import type { ContainerLimits } from '../measure/index.ts';
import type { Owner } from '../engine/index.ts';
import type { ResultStore } from '../store/index.ts';
import type { CheckEnginesOptions, EngineSetup, RuntimeSlots } from './engines.ts';

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
  | {
      phase: 'build' | 'measure' | 'ram' | 'canary';
      platform: string;
      side: 'base' | 'head';
      state: 'start' | 'done' | 'cached' | 'failed';
    };

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

/** Operator settings (environment), never the repository's. */
export interface Sandbox {
  untrustedNetwork: UntrustedNetwork;
  limits: ContainerLimits;
  /** The process stamped on every image tag and container (default: this process, as a CLI run); serve adds its database. */
  owner?: Owner;
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

/** Runs `fn` when a build slot on `engine` is free (EngineSlots in engines.ts). */
export interface BuildSlots {
  run<T>(engine: string, signal: AbortSignal, fn: () => Promise<T>): Promise<T>;
}

export type RunCheck = (req: CheckRequest, ports: CheckPorts) => Promise<CheckResult>;

/** A check as far as it has got: `result.platforms` has every platform, a side null until done. */
export interface CheckSnapshot {
  result: CheckResult;
  progress: CheckProgress;
}
