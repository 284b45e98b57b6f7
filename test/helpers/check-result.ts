// Builders for realistic CheckResult inputs (policy and report tests, golden reports).
// Figures follow a real RouterOS Tailscale image: a FROM-scratch image of a
// UPX-packed tailscale.combined (~3.4–3.7 MB), a static busybox (~200–230 kB), a CA bundle
// and an entrypoint, in three COPY layers. Sizes are derived from the file list, so growing
// the binary moves image, rootfs and flash consistently, as a real bump does.
import type {
  CanaryResult,
  CheckResult,
  EngineLabel,
  FileEntry,
  ImageAnalysis,
  LayerInfo,
  PlatformResult,
  RamMeasurement,
  RamStats,
  SideResult,
} from '../../src/core/index.ts';

export const BASE_SHA = '3f9c2a7d41e8b05c6a1d9e2f7b4c8a0d5e6f1a2b';
export const HEAD_SHA = 'c0ffee5d2b7a4e19f8d3c6b0a5e4d7c2b1a09f88';
export const PLATFORMS = ['linux/amd64', 'linux/arm64', 'linux/arm/v7'] as const;

const BINARY = '/usr/local/bin/tailscale.combined';
const BLOCK = 4096;

/** Packed binary and busybox bytes per arch at the base version. */
const ARCH_SIZES: Record<string, { binary: number; busybox: number; machine: string }> = {
  'linux/amd64': { binary: 3_672_104, busybox: 231_224, machine: 'x86_64' },
  'linux/arm64': { binary: 3_405_312, busybox: 219_432, machine: 'aarch64' },
  'linux/arm/v7': { binary: 3_389_952, busybox: 198_216, machine: 'arm' },
};

export interface SideSpec {
  commit?: string;
  version?: string;
  cached?: boolean;
  /** Packed tailscale.combined bytes; default: the arch's base size. */
  binaryBytes?: number;
  /** Added to the default binary size (a bump's growth). */
  binaryGrowth?: number;
  /** Extra regular files in the bin layer. */
  extraFiles?: FileEntry[];
  /** Force figures instead of deriving them from files. */
  image?: number;
  flash?: number;
  rootfs?: number;
  /** Machine of the main binary when it does not match the platform. */
  foreignMachine?: string;
  ram?: RamMeasurement | null;
  canaries?: CanaryResult[];
  error?: NonNullable<SideResult['error']>;
}

export function ramStats(runs: number[]): RamStats {
  const sorted = [...runs].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const median = sorted.length % 2 ? sorted[mid]! : Math.round((sorted[mid - 1]! + sorted[mid]!) / 2);
  return { runs, median, spread: sorted[sorted.length - 1]! - sorted[0]! };
}

/** RAM of N runs in bytes (fractions rounded, as /proc reports whole bytes); peak defaults to RSS + 1.5 MiB. */
export function ram(rss: number[], opts: { emulated?: boolean; peak?: number[] } = {}): RamMeasurement {
  const whole = rss.map(Math.round);
  const peak = (opts.peak ?? whole.map((r) => r + 1_572_864)).map(Math.round);
  return { emulated: opts.emulated ?? false, rss: ramStats(whole), peak: ramStats(peak) };
}

function blocks(bytes: number): number {
  return Math.ceil(bytes / BLOCK) * BLOCK;
}

function layersOf(groups: FileEntry[][]): LayerInfo[] {
  const createdBy = ['COPY rootfs/ /', 'COPY ca-certificates.crt /etc/ssl/certs/', 'COPY --from=build /out/ /usr/local/bin/'];
  // Packed binaries barely compress; text (certs, scripts) compresses to about half.
  const ratio = [0.97, 0.55, 0.995];
  return groups.map((files, i) => {
    const uncompressed = files.reduce((n, f) => n + f.bytes, 0);
    return {
      id: `sha256:${(i + 1).toString(16).repeat(4)}${'0'.repeat(60)}`,
      compressedBytes: Math.round(uncompressed * ratio[i]!) + 1_024,
      uncompressedBytes: uncompressed,
      fileCount: files.length,
      createdBy: createdBy[i]!,
    };
  });
}

export function buildAnalysis(platform: string, spec: SideSpec = {}): ImageAnalysis {
  const arch = ARCH_SIZES[platform] ?? ARCH_SIZES['linux/amd64']!;
  const binaryBytes = (spec.binaryBytes ?? arch.binary) + (spec.binaryGrowth ?? 0);
  const groups: FileEntry[][] = [
    [
      { path: '/bin/busybox', bytes: arch.busybox },
      { path: '/etc/passwd', bytes: 87 },
      { path: '/etc/group', bytes: 52 },
    ],
    [{ path: '/etc/ssl/certs/ca-certificates.crt', bytes: 219_342 }],
    [{ path: BINARY, bytes: binaryBytes }, { path: '/usr/local/bin/entrypoint.sh', bytes: 1_214 }, ...(spec.extraFiles ?? [])],
  ];
  const files = groups.flat();
  const layers = layersOf(groups);
  const rootfs = files.reduce((n, f) => n + f.bytes, 0);
  return {
    platform,
    layers,
    imageCompressedBytes: spec.image ?? layers.reduce((n, l) => n + l.compressedBytes, 0),
    rootfsBytes: spec.rootfs ?? rootfs,
    flashBytes: spec.flash ?? files.reduce((n, f) => n + blocks(f.bytes), 0),
    blockSize: BLOCK,
    duplicateBytes: 0,
    files,
    largestFiles: [...files].sort((a, b) => b.bytes - a.bytes).slice(0, 10),
    binary: { path: BINARY, bytes: binaryBytes, upx: true },
    elfs: [
      { path: '/bin/busybox', machine: arch.machine, matches: true },
      { path: BINARY, machine: spec.foreignMachine ?? arch.machine, matches: spec.foreignMachine === undefined },
    ],
  };
}

export function buildSide(platform: string, spec: SideSpec = {}, role: 'base' | 'head' = 'head'): SideResult {
  const side: SideResult = {
    commit: spec.commit ?? (role === 'base' ? BASE_SHA : HEAD_SHA),
    version: spec.version ?? (role === 'base' ? 'v1.98.5' : 'v1.98.8'),
    cached: spec.cached ?? role === 'base',
    analysis: spec.error ? null : buildAnalysis(platform, spec),
    ram: spec.error ? null : spec.ram === undefined ? null : spec.ram,
    canaries: spec.canaries ?? [],
  };
  if (spec.error) side.error = spec.error;
  return side;
}

export interface PlatformSpec {
  /** null: no baseline at all. */
  base?: SideSpec | null;
  /** null: not built in this run. */
  head?: SideSpec | null;
  emulated?: boolean;
  /** Where it ran (default: the bot's own amd64 engine, foreign platforms under qemu). */
  engine?: EngineLabel;
}

export function buildPlatform(platform: string, spec: PlatformSpec = {}): PlatformResult {
  const engine = spec.engine ?? { name: 'local', platform: 'linux/amd64' };
  return {
    platform,
    emulated: spec.emulated ?? platform !== engine.platform,
    engine,
    base: spec.base === null ? null : buildSide(platform, spec.base ?? {}, 'base'),
    head: spec.head === null ? null : buildSide(platform, spec.head ?? {}, 'head'),
  };
}

/** A passing canary result, as the canary runner reports it. */
export function canaryPass(name: string, detail = 'status NOERROR, 1 answer, flags qr rd ra, 12 ms'): CanaryResult {
  return { name, ok: true, detail };
}

export function canaryFail(name: string, assertion: string, observed: string, detail = ''): CanaryResult {
  return { name, ok: false, assertion, observed, detail };
}

export function buildCheckResult(partial: Partial<CheckResult> = {}): CheckResult {
  return {
    repo: 'routerlab/tailscale-routeros',
    bump: { file: 'Dockerfile', line: 14, arg: 'TAILSCALE_VERSION', from: 'v1.98.5', to: 'v1.98.8', type: 'patch' },
    baseRef: 'main',
    headRef: 'renovate/tailscale-1.x',
    headSha: HEAD_SHA,
    baseSha: BASE_SHA,
    findings: [],
    platforms: PLATFORMS.map((p) => buildPlatform(p)),
    builds: { ran: 3, reused: 3 },
    overrides: [],
    history: [],
    durationMs: 251_400,
    finishedAt: '2025-11-25T12:34:56.000Z',
    ...partial,
  };
}
