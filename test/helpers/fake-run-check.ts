// A deterministic stand-in for the real build path (tested elsewhere): every requested platform
// is "measured" from the realistic builders in check-result.ts, the head grown by `growth` bytes.
// `script` replaces that, call by call: the n-th run gets the n-th spec (the last one repeats),
// so a test can show the gate changing at one head (an infra error, then no baseline, …).
import type { CheckPorts, CheckRequest, RunCheck } from '../../src/jobs/index.ts';
import type { Finding } from '../../src/core/index.ts';
import { buildCheckResult, buildPlatform, type PlatformSpec } from './check-result.ts';

export type FakeRunCheck = RunCheck & { requests: CheckRequest[]; ports: CheckPorts[] };

export function fakeRunCheck(opts: { growth?: number; findings?: Finding[]; script?: PlatformSpec[] } = {}): FakeRunCheck {
  const requests: CheckRequest[] = [];
  const ports: CheckPorts[] = [];
  const fn: RunCheck = async (req, p) => {
    requests.push(req);
    ports.push(p);
    const platforms = req.platforms ?? p.config.platforms;
    const spec: PlatformSpec = opts.script?.[Math.min(requests.length, opts.script.length) - 1] ?? {
      head: { binaryGrowth: opts.growth ?? 2048 },
    };
    return buildCheckResult({
      repo: req.repo,
      bump: req.bump.bump,
      headSha: req.head.sha,
      baseSha: req.base.sha,
      headRef: req.head.ref,
      baseRef: req.base.ref,
      findings: opts.findings ?? [],
      platforms: platforms.map((platform) =>
        buildPlatform(platform, {
          ...spec,
          base: spec.base === null ? null : { commit: req.base.sha, ...spec.base },
          head: spec.head === null ? null : { commit: req.head.sha, ...spec.head },
        }),
      ),
    });
  };
  return Object.assign(fn, { requests, ports });
}
