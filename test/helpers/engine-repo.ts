// A two-platform target (linux/amd64 and linux/arm64, static busybox for each) for tests that
// put platforms on different engines. Every image carries the label `bumpguard.test=<tag>-<arch>`,
// so each engine's `docker events` tell which platform's images were built, tagged and run there.
import { randomUUID } from 'node:crypto';
import { execa } from 'execa';
import type { Layout } from './corpus-repos.ts';

const MARKER = '# renovate: datasource=github-releases depName=tailscale packageName=tailscale/tailscale versioning=semver';
const CACHE = '/var/cache/bumpguard/busybox';

export interface EngineRepoOptions {
  /** A RUN step in the head's amd64 build that sleeps this long (time to stop an engine under it). */
  slowHeadSeconds?: number;
}

/** The layout and the label tag its images carry. */
export function engineLayout(opts: EngineRepoOptions = {}): { layout: Layout; tag: string } {
  const tag = `engines-${randomUUID().slice(0, 8)}`;
  const dockerfile = (version: string, slow: boolean) =>
    [
      'FROM scratch',
      'ARG TARGETARCH',
      'COPY bin/${TARGETARCH}/busybox /bin/busybox',
      `LABEL bumpguard.test=${tag}-\${TARGETARCH}`,
      ...(slow
        ? [`RUN ["/bin/busybox", "sh", "-c", "[ \\"$(/bin/busybox uname -m)\\" != x86_64 ] || /bin/busybox sleep ${opts.slowHeadSeconds}"]`]
        : []),
      MARKER,
      `ARG TAILSCALE_VERSION=${version}`,
      'LABEL org.opencontainers.image.version=$TAILSCALE_VERSION',
      'ENTRYPOINT ["/bin/busybox", "sleep", "3600"]',
      '',
    ].join('\n');
  const layout: Layout = {
    name: 'engines',
    about: 'amd64 and arm64 images for per-platform engines',
    from: 'v1.92.4',
    to: 'v1.92.5',
    config: [
      'platforms: [linux/amd64, linux/arm64]',
      'measure: { binary: /bin/busybox }',
      'ram: { runs: 1, windowMs: 300, intervalMs: 100 }',
      'canaries:',
      '  - { name: busybox-runs, run: [/bin/busybox, "true"] }',
      '',
    ].join('\n'),
    files: (version, variant) => ({
      Dockerfile: dockerfile(version, variant !== 'base' && opts.slowHeadSeconds !== undefined),
      'bin/amd64/busybox': { copyOf: `${CACHE}/amd64/busybox`, mode: 0o755 },
      'bin/arm64/busybox': { copyOf: `${CACHE}/arm64/busybox`, mode: 0o755 },
    }),
    expect: { bump: { verdict: 'success', kinds: ['no-recipe'] } },
  };
  return { layout, tag };
}

export interface EngineEvent {
  Type: string;
  Action: string;
  Actor: { ID: string; Attributes: Record<string, string> };
}

/** What an engine reported between two moments (seconds) for images labelled `label`. */
export async function engineEvents(
  docker: string,
  host: string | null,
  label: string,
  since: number,
  until: number,
): Promise<EngineEvent[]> {
  const args = [
    ...(host ? ['-H', host] : []),
    'events',
    '--since',
    String(since),
    '--until',
    String(until),
    '--format',
    '{{json .}}',
    '--filter',
    `label=bumpguard.test=${label}`,
  ];
  const { stdout } = await execa(docker, args, { stdin: 'ignore', timeout: 30_000 });
  return stdout
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as EngineEvent);
}

/** The moment as `docker events` counts it, one second of slack on the side that needs it. */
export const eventTime = { before: () => Math.floor(Date.now() / 1000) - 1, after: () => Math.ceil(Date.now() / 1000) + 1 };
