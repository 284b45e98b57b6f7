// Domain types shared by every room. The `--json` contract of the CLI
// (../docs/json-contract.md) is built from these: extend, never rename.

import type { ErrorCode } from './errors.ts';

/** A Tailscale version change found in a PR diff (src/bump). */
export interface Bump {
  /** Path of the file in the repo, e.g. "Dockerfile". */
  file: string;
  /** 1-based line number of the ARG in the new file. */
  line: number;
  /** ARG name, e.g. "TAILSCALE_VERSION". */
  arg: string;
  from: string;
  to: string;
  type: BumpType;
}

export type BumpType = 'major' | 'minor' | 'patch' | 'prerelease' | 'downgrade' | 'unknown';

export type Severity = 'blocker' | 'warning' | 'info';

export type FindingKind =
  | 'missing-dep'
  | 'unknown-feature'
  | 'patch-unknown-feature'
  | 'noop-strip'
  | 'deps-changed'
  | 'features-added'
  | 'features-removed'
  | 'watched-symbol-changed'
  | 'recipe-unreadable'
  | 'stale-acknowledgment'
  | 'patch-stale'
  | 'patch-drift'
  | 'patch-unevaluated'
  | 'build-failed'
  | 'elf-mismatch'
  | 'canary-failed'
  | 'threshold'
  | 'no-baseline'
  | 'config-invalid'
  /** No build file mentions featuretags, ts_omit_ or ts_include_: opt-in checks are skipped (info). */
  | 'no-recipe'
  /** The check could not finish a part for a reason outside the PR (Docker, a builder, the forge, upstream). */
  | 'infra-error'
  /** The PR removes the Renovate marker above the Tailscale version: Renovate stops bumping it. */
  | 'marker-removed'
  /** The change moves the Tailscale version to different values and none is the one built. */
  | 'bump-unclear'
  /** .bumpguard.yml uses a key that still works for this release only (warning): the message says what to write. */
  | 'config-deprecated';

export interface Finding {
  severity: Severity;
  kind: FindingKind;
  /** Involved feature names, if any. */
  features: string[];
  /** Set when the finding concerns one platform only. */
  platform?: string;
  /** True when the bump introduced it; false when it was already true at the base. */
  introduced: boolean;
  /** Accepted in config (`acknowledge`) or by `/accept`. */
  acknowledged: boolean;
  /** Why it was acknowledged, when it was. */
  acknowledgedReason?: string;
  /** Who acknowledged it: a login for `/accept`, ".bumpguard.yml" for config. */
  acknowledgedBy?: string;
  /** For `threshold` findings: the metric that tripped (src/policy). */
  metric?: MetricName;
  /** One line a maintainer understands. */
  message: string;
  /** Unified diff of a suggested fix, optional. */
  fix?: string;
  /** Extra detail (log tail, symbol diff) shown collapsed in reports. */
  detail?: string;
  /** For `infra-error` and `config-invalid` findings raised by an error: its stable code (src/core/errors.ts). */
  code?: string;
  /** For findings about a source edit: where the build makes it, and what it edits (upstream file or package, or the repo's patch file). */
  edit?: EditRef;
}

/** A source edit as named in findings and acknowledgments. */
export interface EditRef {
  /** Repo path of the Dockerfile or script, and the 1-based line of the command. */
  path: string;
  line: number;
  /** What the edit touches: an upstream file (sed), package directory (COPY) or the repo's patch file. */
  target: string;
}

export type Verdict = 'success' | 'failure' | 'neutral' | 'error';

/** Measured figures a threshold applies to; the keys of `thresholds.*` in .bumpguard.yml. */
export const METRICS = ['image', 'flash', 'rootfs', 'binary', 'ramRss', 'ramPeak'] as const;
export type MetricName = (typeof METRICS)[number];

/** The engine of the bot's own host; the operator's engines have other names. */
export const LOCAL_ENGINE = 'local';

/** Measured figures of one image build for one platform (the `base`/`head` objects). */
export interface ImageMetrics {
  imageCompressedBytes: number;
  rootfsBytes: number;
  flashBytes: number;
  duplicateBytes: number;
  binaryBytes: number | null;
  binaryUpx: boolean | null;
  ramRssBytes: number | null;
  ramPeakBytes: number | null;
  /** Where the RSS figure was read (RamMeasurement.rssSource), null when not measured. */
  ramRssSource: RssSource | null;
  /** Where the peak figure was read (RamMeasurement.peakSource), null when not measured. */
  ramPeakSource: RamMeasurement['peakSource'] | null;
  /** The concurrency the RAM figures were sampled under (RamMeasurement.concurrency); null when not measured or not recorded. */
  ramConcurrency: SamplingConcurrency | null;
}

export interface CanaryResult {
  name: string;
  ok: boolean;
  detail: string;
  /** The assertion that failed, e.g. "status NOERROR" (shown in the canary table). */
  assertion?: string;
  /** What was observed instead, e.g. "SERVFAIL". */
  observed?: string;
  /** Set when the canary could not run as configured (not a failure of the image), e.g. a shell-form `run` in an image without /bin/sh. */
  configError?: string;
}

/** One layer of an image as the router downloads and extracts it. */
export interface LayerInfo {
  /** Layer digest or archive path, for display. */
  id: string;
  /** gzip bytes as pushed to a registry. */
  compressedBytes: number;
  /** Bytes of the uncompressed layer tar's regular files. */
  uncompressedBytes: number;
  fileCount: number;
  /** The Dockerfile instruction that created it, when the archive says. */
  createdBy?: string;
  /** Length of the uncompressed layer tar (headers and padding included). */
  tarBytes?: number;
  /** How the blob was stored in the archive; "none" means compressedBytes was computed. */
  compression?: 'gzip' | 'zstd' | 'none';
}

export interface FileEntry {
  path: string;
  bytes: number;
}

export interface ElfInfo {
  path: string;
  /** e_machine name: x86_64, aarch64, arm, … */
  machine: string;
  /** Whether it matches the platform of the image. */
  matches: boolean;
}

/** Everything measured from one exported image (src/measure). */
export interface ImageAnalysis {
  platform: string;
  /** Platform the image's own config declares, when it does (may differ from `platform`). */
  imagePlatform?: string;
  layers: LayerInfo[];
  imageCompressedBytes: number;
  /** Flattened rootfs bytes after whiteouts (regular files). */
  rootfsBytes: number;
  /** Block-rounded bytes of every layer extracted (overlayfs keeps each copy). */
  flashBytes: number;
  blockSize: number;
  /** Bytes of files whose path appears in more than one layer (the extra copies). */
  duplicateBytes: number;
  /** Flattened files, path → bytes (for movers); only regular files. */
  files: FileEntry[];
  largestFiles: FileEntry[];
  binary: { path: string; bytes: number; upx: boolean } | null;
  elfs: ElfInfo[];
}

export interface RamStats {
  /** Every run's figure in bytes. */
  runs: number[];
  median: number;
  /** max − min over runs. */
  spread: number;
}

export type RssSource = 'proc-status' | 'docker-top' | 'docker-stats';

export interface RamMeasurement {
  emulated: boolean;
  rss: RamStats | null;
  peak: RamStats | null;
  /** Why RAM could not be measured, when it could not. */
  error?: string;
  /** VmHWM of the main process per run (its own peak, whatever the cgroup says). */
  hwm?: RamStats | null;
  /** Where `peak` comes from: the container's cgroup (v1 max_usage_in_bytes, v2 memory.peak) or VmHWM. */
  peakSource?: 'cgroup-v1' | 'cgroup-v2' | 'vmhwm';
  /**
   * Where `rss` comes from. `proc-status`: VmRSS of the process, read from the engine host's /proc
   * (the bot shares that host). `docker-top`: the same counter, as `ps` on the engine's host reports
   * it through the Docker API (the bot runs in a container or the engine is remote). `docker-stats`:
   * the container cgroup's resident anonymous memory through the Docker API, when the engine's host
   * has no usable `ps`; a different figure, never compared with the other two.
   */
  rssSource?: RssSource;
  /** False when the image would not run with a read-only rootfs and was measured writable. */
  readOnly?: boolean;
  /** Name of the process whose RSS is reported (e.g. "routerd"). */
  process?: string;
  /**
   * How many runtime phases (the RAM runs and canaries of one platform's base and head) could and
   * did run at once on the engine while these figures were sampled. Absent on figures from before
   * runtime phases ran concurrently: those were sampled one at a time.
   */
  concurrency?: SamplingConcurrency;
}

/** The concurrency a RAM figure was sampled under: figures sampled under different bounds are not compared. */
export interface SamplingConcurrency {
  /** The bound on runtime phases at once on that engine. */
  limit: number;
  /** The most phases that ran at once (itself included) while this one ran. */
  peak: number;
}

/** Where a platform's images were built and run. */
export interface EngineLabel {
  /** "local" (the bot's own engine) or the name the bot's operator gave it (BUMPGUARD_ENGINES). */
  name: string;
  /** The CPU platform of the engine that ran the images (`docker info`), null when unknown. */
  platform: string | null;
}

/** One side (base or head) of one platform. */
export interface SideResult {
  commit: string;
  /** Tailscale version at that commit, when found. */
  version: string | null;
  /** True when reused from the store instead of rebuilt. */
  cached: boolean;
  analysis: ImageAnalysis | null;
  ram: RamMeasurement | null;
  canaries: CanaryResult[];
  /** Set when the build/measure failed: what failed, the log tail, and the error code (src/core/errors.ts ERROR_BLAME says whose fault). */
  error?: { message: string; logTail: string; code?: ErrorCode };
  /** The engine this side was measured on (stored with it). */
  engine?: EngineLabel;
}

export interface PlatformResult {
  platform: string;
  /** RAM and canaries ran under qemu-user: the engine's CPU is not the platform's. */
  emulated: boolean;
  /** The engine the platform's images were built and run on; `native` when its platform is this one. */
  engine?: EngineLabel;
  base: SideResult | null;
  head: SideResult | null;
}

/** Where one side of one platform is while a check runs. */
export type SideStage = 'queued' | 'building' | 'measuring' | 'done';

/**
 * A check in progress, for reports written before it ends: each side's stage, and what the
 * pending cells stand for (canary names per platform, whether RAM is measured).
 */
export interface CheckProgress {
  stages: Record<string, { base: SideStage; head: SideStage }>;
  canaries: Record<string, string[]>;
  ram: boolean;
}

/** An `/accept` by a maintainer, valid for one head SHA only. */
export interface Override {
  kind: 'size' | 'ram' | 'canary' | 'audit' | 'all';
  reason: string;
  by: string;
  at: string;
  headSha: string;
}

/** A past Tailscale bump on the base branch, for trend charts. */
export interface HistoryPoint {
  version: string;
  commit: string;
  platform: string;
  imageCompressedBytes: number;
  flashBytes: number;
  ramRssBytes: number | null;
  /** RAM measured under qemu-user: not comparable with native figures. */
  ramEmulated?: boolean;
  at: string;
}

/** Everything a report is rendered from (pure input to src/policy and src/report). */
export interface CheckResult {
  repo: string;
  bump: Bump | null;
  baseRef: string;
  headRef: string;
  headSha: string;
  /** Base commit the head was compared with, when resolved (named in no-baseline findings). */
  baseSha?: string;
  /** Audit findings and any other finding produced before policy (build failures, ELF, canaries). */
  findings: Finding[];
  /** Source edits and upstream commits behind the shipped features; absent when there is no bump. */
  upstream?: UpstreamReport;
  platforms: PlatformResult[];
  builds: { ran: number; reused: number };
  overrides: Override[];
  history: HistoryPoint[];
  /** Wall time of the run, ms. */
  durationMs: number;
  /** ISO time the run finished (injected clock). */
  finishedAt: string;
}

/** How one edit fared, for the report's list and `--json` (`upstream.edits`). */
export interface EditStatus {
  kind: 'sed' | 'patch' | 'copy-go' | 'unreadable';
  path: string;
  line: number;
  command: string;
  /** Upstream file (sed), package directory (COPY) or the repo's patch file; '' when unknown. */
  target: string;
  status: 'applies' | 'drift' | 'stale' | 'unevaluated';
  /** sed only: lines changed at the base tag and at the new tag (null: not run there). */
  changed?: { from: number | null; to: number | null };
  message: string;
}

export interface DigestCommit {
  sha: string;
  shortSha: string;
  subject: string;
  url: string;
  /** The relevant files it touched (not all its files). */
  files: string[];
}

export interface DigestGroup {
  /** A feature name, or "source patches". */
  name: string;
  kind: 'feature' | 'patches';
  commits: DigestCommit[];
}

export interface CommitDigest {
  /** Where the history came from, e.g. "git log of a local mirror" (never a host path); null when none was available. */
  source: string | null;
  /** One line for the reader when the list is missing or incomplete (no history source, the 250-commit limit). */
  note: string | null;
  /** Commits between the tags, as listed by the source. */
  total: number;
  /** Commits in at least one group. */
  relevant: number;
  compareUrl: string;
  groups: DigestGroup[];
  /** The most relevant commits, newest first within equal relevance: what the comment lists. */
  top: DigestCommit[];
}

/** What the bump changes upstream for this image (`--json` key `upstream`). */
export interface UpstreamReport {
  from: string;
  to: string;
  /** Each source edit the build makes, and whether it still applies. */
  edits: EditStatus[];
  /** Commits between the tags that touch code the image compiles in. */
  commits: CommitDigest;
}
