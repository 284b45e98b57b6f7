// The one job that judges a bump, for the CLI and the bot alike, in numbered steps:
// audit → per platform, base and head (reused from the store when measured before) → history.
// It decides nothing: policy and report turn the CheckResult into a verdict and a comment.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { auditTarget } from '../audit/index.ts';
import { detectEngine, type EngineInfo } from '../build/index.ts';
import { isEmulated } from '../measure/index.ts';
import type { CheckResult, HistoryPoint, PlatformResult } from '../model.ts';
import { measureSide } from './measure-side.ts';
import type { CheckPorts, CheckRequest } from './types.ts';

/** How many past bumps the history table and chart show. */
export const HISTORY_LIMIT = 10;

export interface RunCheckOptions {
  /** Probed when absent (tests inject the engine they set up). */
  engine?: EngineInfo;
  onLog?: (line: string) => void;
}

export async function runCheck(req: CheckRequest, ports: CheckPorts, opts: RunCheckOptions = {}): Promise<CheckResult> {
  const started = ports.now().getTime();
  const { config } = ports;

  // 1. Audit the feature selection (pure, fast; also tells which Tailscale versions are involved).
  ports.onProgress?.({ phase: 'audit', state: 'start' });
  const audit = await auditTarget({ repo: ports.source, baseRef: req.base.sha, headRef: req.head.sha }, ports.upstream, config, ports.editRunner ?? null);
  ports.onProgress?.({ phase: 'audit', state: 'done' });

  const platforms: PlatformResult[] = [];
  const builds = { ran: 0, reused: 0 };
  if (!req.auditOnly) {
    // 2. The engine is checked once, before any build: "no Docker" is one clear error, not N findings.
    const engine = opts.engine ?? (await detectEngine({ signal: ports.signal }));
    const scratchDir = await mkdtemp(join(tmpdir(), 'bumpguard-check-'));
    try {
      // 3. Builds run one at a time: BuildKit already uses every core, and logs stay readable.
      for (const platform of req.platforms ?? config.platforms) {
        const sides = { base: null, head: null } as Pick<PlatformResult, 'base' | 'head'>;
        for (const side of ['base', 'head'] as const) {
          const measured = await measureSide({
            repo: req.repo, side, sha: req[side].sha, platform, config, source: ports.source, engine,
            store: ports.store, fresh: side === 'head' ? Boolean(req.noCache) : Boolean(req.noCacheBase),
            scratchDir, now: ports.now, signal: ports.signal, onProgress: ports.onProgress, onLog: opts.onLog, slots: ports.slots,
          });
          sides[side] = measured.result;
          if (measured.built) builds.ran++;
          else if (measured.result.cached) builds.reused++;
        }
        // Images run on the local engine whoever built them, so qemu decides what is emulated.
        platforms.push({ platform, emulated: isEmulated(platform, engine.hostPlatform), ...sides });
      }
    } finally {
      await rm(scratchDir, { recursive: true, force: true });
    }
  }

  // 4. The base is what the branch ships: it feeds the trend of past bumps.
  const finishedAt = ports.now();
  const history = recordHistory(req, ports, platforms, finishedAt.toISOString());
  return {
    repo: req.repo,
    bump: audit.bump,
    baseRef: req.base.ref,
    headRef: req.head.ref,
    headSha: req.head.sha,
    baseSha: req.base.sha,
    findings: audit.findings,
    ...(audit.upstream && { upstream: audit.upstream }),
    platforms,
    builds,
    overrides: [],
    history,
    durationMs: finishedAt.getTime() - started,
    finishedAt: finishedAt.toISOString(),
  };
}

function recordHistory(req: CheckRequest, ports: CheckPorts, platforms: PlatformResult[], at: string): HistoryPoint[] {
  const store = ports.store;
  if (!store) return [];
  for (const p of platforms) {
    const base = p.base;
    if (!base?.analysis || !base.version) continue;
    store.recordHistory({
      repo: req.repo, baseRef: req.base.ref, commit: base.commit, platform: p.platform, version: base.version,
      imageCompressedBytes: base.analysis.imageCompressedBytes, flashBytes: base.analysis.flashBytes,
      ramRssBytes: base.ram?.rss?.median ?? null, at,
    });
  }
  return store.listHistory(req.repo, req.base.ref, HISTORY_LIMIT);
}
