// Named report scenarios, shared by the report tests and
// scripts/update-golden.ts. Inputs are realistic CheckResults; the outcome comes from the
// real policy, so a golden file changes when either policy or rendering changes.
import { parseConfig } from '../../config/index.ts';
import type { CheckResult, Finding, HistoryPoint, Override } from '../../core/index.ts';
import { evaluatePolicy, type PolicyOutcome } from '../../policy/index.ts';
import {
  BASE_SHA,
  HEAD_SHA,
  PLATFORMS,
  buildAnalysis,
  buildCheckResult,
  buildPlatform,
  canaryFail,
  canaryPass,
  ram,
  type PlatformSpec,
} from '../../../test/helpers/check-result.ts';

const KiB = 1024;
const MiB = 1024 * KiB;

export interface Scenario {
  result: CheckResult;
  outcome: PolicyOutcome;
}

const canaries = (ok: boolean) => [
  ok
    ? canaryPass('magicdns-forwarder')
    : canaryFail('magicdns-forwarder', 'status NOERROR', 'SERVFAIL', ';; ->>HEADER<<- opcode: QUERY, status: SERVFAIL, id: 4242'),
  canaryPass('tailnet-name', 'exit 0, stdout matches /bytes from/'),
];

/** Native amd64 RAM; foreign arches measured under qemu-user on both sides. */
function ramFor(platform: string, role: 'base' | 'head', extra = 0) {
  const emulated = platform !== 'linux/amd64';
  const baseline = emulated ? 19.6 * MiB : 12.3 * MiB;
  const runs = role === 'base' ? [0, 96 * KiB, 40 * KiB] : [24 * KiB, 120 * KiB, 64 * KiB];
  return ram(
    runs.map((r) => baseline + r + extra),
    { emulated },
  );
}

function routerPlatform(
  platform: string,
  opts: { growth?: number; headRamExtra?: number; headCanariesOk?: boolean; spec?: PlatformSpec } = {},
) {
  return buildPlatform(platform, {
    base: { ram: ramFor(platform, 'base'), canaries: canaries(true) },
    head: {
      binaryGrowth: opts.growth ?? 12_600,
      ram: ramFor(platform, 'head', opts.headRamExtra ?? 0),
      canaries: canaries(opts.headCanariesOk ?? true),
    },
    ...opts.spec,
  });
}

const HISTORY_VERSIONS = [
  ['v1.90.9', '2025-06-03'],
  ['v1.92.5', '2025-07-15'],
  ['v1.94.2', '2025-08-19'],
  ['v1.96.4', '2025-09-30'],
  ['v1.98.3', '2025-11-04'],
  ['v1.98.5', '2025-11-18'],
] as const;

/** Earlier bumps on main, ending at the base of this PR with its measured figures. */
function history(): HistoryPoint[] {
  const last = HISTORY_VERSIONS.length - 1;
  return HISTORY_VERSIONS.flatMap(([version, day], i) =>
    PLATFORMS.map((platform) => {
      const base = buildAnalysis(platform);
      const shrink = (last - i) * 31_000; // each earlier release was ~30 kB smaller
      const rss = ramFor(platform, 'base').rss!.median - (last - i) * 40 * KiB;
      return {
        version,
        commit: `${(i + 1).toString(16)}${'e7d1a9b4c2'.repeat(4).slice(0, 39)}`,
        platform,
        imageCompressedBytes: base.imageCompressedBytes - shrink,
        flashBytes: base.flashBytes - shrink,
        ramRssBytes: rss,
        ramEmulated: platform !== 'linux/amd64',
        at: `${day}T08:00:00Z`,
      };
    }),
  );
}

function scenario(result: CheckResult): Scenario {
  return { result, outcome: evaluatePolicy(result, parseConfig(null)) };
}

export function cleanBump(): Scenario {
  return scenario(buildCheckResult({ platforms: PLATFORMS.map((p) => routerPlatform(p)), history: history() }));
}

export function sizeRegressionArm64(): Scenario {
  const platforms = PLATFORMS.map((p) => routerPlatform(p, p === 'linux/arm64' ? { growth: 298 * KiB } : {}));
  return scenario(buildCheckResult({ platforms, history: history() }));
}

const MISSING_DEP_FIX = `--- a/Dockerfile
+++ b/Dockerfile
@@ -31,6 +31,7 @@ RUN go run ./cmd/featuretags --min --add=osrouter \\
       -e 's/ts_omit_advertiseexitnode,\\{0,1\\}//g' \\
       -e 's/ts_omit_advertiseroutes,\\{0,1\\}//g' \\
+      -e 's/ts_omit_peerapiserver,\\{0,1\\}//g' \\
       -e 's/ts_omit_useexitnode,\\{0,1\\}//g' \\
       -e 's/ts_omit_dns,\\{0,1\\}//g' \\
`;

export const missingDepFinding: Finding = {
  severity: 'blocker',
  kind: 'missing-dep',
  features: ['advertiseexitnode', 'peerapiserver'],
  introduced: true,
  acknowledged: false,
  message:
    'advertiseexitnode needs peerapiserver (new dependency in v1.98.8), which the recipe omits: exit-node clients will get DNS SERVFAIL',
  fix: MISSING_DEP_FIX,
};

const auditFindings: Finding[] = [
  missingDepFinding,
  {
    severity: 'warning',
    kind: 'features-added',
    features: ['tpm'],
    introduced: true,
    acknowledged: false,
    message: 'v1.98.8 adds feature tpm ("TPM support"); --min omits it, the recipe does not opt in',
  },
  {
    severity: 'blocker',
    kind: 'noop-strip',
    features: ['drive'],
    introduced: false,
    acknowledged: false,
    message: "sed strip 's/ts_omit_drive,\\{0,1\\}//g' matches nothing: drive is already kept by --add=osrouter",
  },
];

export function missingDep(): Scenario {
  return scenario(buildCheckResult({ platforms: PLATFORMS.map((p) => routerPlatform(p)), findings: auditFindings.slice(0, 2) }));
}

export function canaryFailure(): Scenario {
  const platforms = PLATFORMS.map((p) => routerPlatform(p, p === 'linux/arm64' ? { headCanariesOk: false } : {}));
  return scenario(buildCheckResult({ platforms }));
}

export function missingBaseline(): Scenario {
  const platforms = PLATFORMS.map((p) => routerPlatform(p, p === 'linux/arm64' ? { spec: { base: null } } : {}));
  return scenario(buildCheckResult({ platforms, builds: { ran: 4, reused: 2 } }));
}

const ARMV7_LOG = [
  '#14 [build 6/7] RUN go build -tags "$(cat /tags)" -o /out/tailscale.combined ./cmd/tailscaled',
  '#14 41.92 # tailscale.com/net/tstun',
  '#14 41.92 net/tstun/wrap.go:1187:3: undefined: invertGSOChecksum',
  '#14 ERROR: process "/bin/sh -c go build" did not complete successfully: exit code: 1',
].join('\n');

export function buildFailureArmV7(): Scenario {
  const platforms = PLATFORMS.map((p) =>
    routerPlatform(
      p,
      p === 'linux/arm/v7'
        ? { spec: { head: { error: { message: 'go build exited with 1', logTail: ARMV7_LOG, code: 'build-failed' } } } }
        : {},
    ),
  );
  return scenario(buildCheckResult({ platforms }));
}

/** The arm64 engine stopped answering mid-build (not the PR's fault) while the audit found a real blocker. */
export function engineDownArm64(): Scenario {
  const down = {
    message: 'engine pi5 unreachable: it stopped answering during the linux/arm64 build',
    logTail: '',
    code: 'engine-unreachable' as const,
  };
  const platforms = PLATFORMS.map((p) => routerPlatform(p, p === 'linux/arm64' ? { spec: { head: { error: down } } } : {}));
  return scenario(buildCheckResult({ platforms, findings: auditFindings.slice(0, 1) }));
}

const ACCEPT: Override = {
  kind: 'size',
  reason: 'arm64 growth is the new peer relay; 11 MB flash still free on the hAP ax²',
  by: 'mira',
  at: '2025-11-25T13:10:00Z',
  headSha: HEAD_SHA,
};
const STALE_ACCEPT: Override = {
  kind: 'canary',
  reason: 'flaky upstream resolver',
  by: 'jonas',
  at: '2025-11-24T09:00:00Z',
  headSha: BASE_SHA,
};

export function acceptedOverride(): Scenario {
  const { result } = sizeRegressionArm64();
  return scenario({ ...result, overrides: [ACCEPT, STALE_ACCEPT] });
}

/** Hundreds of findings, huge logs, long history: must still fit and say what was trimmed. */
export function oversized(): Scenario {
  const hugeLog = Array.from(
    { length: 20_000 },
    (_, i) => `#14 ${i}.00 compiling tailscale.com/some/package/number/${i} with a long line of output`,
  ).join('\n');
  const files = Array.from({ length: 400 }, (_, i) => ({ path: `/usr/share/zoneinfo/Area${i}/City${i}`, bytes: 2_000 + i * 13 }));
  const platforms = PLATFORMS.map((p) =>
    routerPlatform(p, {
      growth: 300 * KiB,
      spec:
        p === 'linux/arm/v7'
          ? { head: { error: { message: 'go build exited with 1', logTail: hugeLog, code: 'build-failed' } } }
          : {
              base: { extraFiles: files, ram: ramFor(p, 'base') },
              head: { extraFiles: files.map((f) => ({ ...f, bytes: f.bytes + 512 })), binaryGrowth: 300 * KiB },
            },
    }),
  );
  const findings: Finding[] = Array.from({ length: 300 }, (_, i) => ({
    severity: i % 3 === 0 ? 'blocker' : i % 3 === 1 ? 'warning' : 'info',
    kind: i % 2 ? 'unknown-feature' : 'missing-dep',
    features: [`feature${i}`],
    introduced: i % 4 !== 0,
    acknowledged: false,
    message: `feature${i} needs dependency${i}, which the recipe omits — ${'a long explanation of the runtime effect '.repeat(4)}`,
    fix: MISSING_DEP_FIX.replace(/peerapiserver/g, `dependency${i}`),
    detail: hugeLog.slice(0, 5_000),
  }));
  const longHistory = Array.from({ length: 8 }, () => history())
    .flat()
    .map((h, i) => ({ ...h, version: `v1.${60 + Math.floor(i / 3)}.0`, at: `2024-01-01T00:00:${String(i % 60).padStart(2, '0')}Z` }));
  return scenario(buildCheckResult({ platforms, findings, history: longHistory }));
}

export const SCENARIOS = {
  'clean-bump': cleanBump,
  'size-regression-arm64': sizeRegressionArm64,
  'missing-dep': missingDep,
  'canary-failure': canaryFailure,
  'missing-baseline': missingBaseline,
  'build-failure-armv7': buildFailureArmV7,
  'engine-down-arm64': engineDownArm64,
  'accepted-override': acceptedOverride,
  oversized,
} as const satisfies Record<string, () => Scenario>;

/** The (at most 3) scenarios pinned as golden markdown files beside this one. */
export const GOLDEN = ['clean-bump', 'size-regression-arm64', 'missing-dep'] as const satisfies readonly (keyof typeof SCENARIOS)[];
