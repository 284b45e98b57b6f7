// A deterministic stand-in for the real build path (tested elsewhere): every requested platform
// is "measured" from the realistic builders in check-result.ts, the head grown by `growth` bytes.
import type { CheckPorts, CheckRequest, RunCheck } from '../../src/jobs/types.ts';
import type { Finding } from '../../src/model.ts';
import { buildCheckResult, buildPlatform } from './check-result.ts';

export type FakeRunCheck = RunCheck & { requests: CheckRequest[]; ports: CheckPorts[] };

export function fakeRunCheck(opts: { growth?: number; findings?: Finding[] } = {}): FakeRunCheck {
  const requests: CheckRequest[] = [];
  const ports: CheckPorts[] = [];
  const fn: RunCheck = async (req, p) => {
    requests.push(req);
    ports.push(p);
    const platforms = req.platforms ?? p.config.platforms;
    return buildCheckResult({
      repo: req.repo,
      headSha: req.head.sha,
      baseSha: req.base.sha,
      headRef: req.head.ref,
      baseRef: req.base.ref,
      findings: opts.findings ?? [],
      platforms: platforms.map((platform) => buildPlatform(platform, { head: { binaryGrowth: opts.growth ?? 2048 } })),
    });
  };
  return Object.assign(fn, { requests, ports });
}
