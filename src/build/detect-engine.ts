// Finds the container engine and what the clients can do; the one place that turns "no Docker"
// into the operator's next step (style.md: setup mistakes name the fix).
import { existsSync, statSync } from 'node:fs';
import { execa } from 'execa';
import { childEnv } from '../child-env.ts';
import { BuildError } from '../errors.ts';
import type { ClientCaps } from './build-command.ts';
import { describeEngineFailure } from './describe-engine-failure.ts';
import { pickDockerBinary } from './docker-binary.ts';

export interface EngineInfo extends ClientCaps {
  serverVersion: string;
  /** The engine's own platform, e.g. linux/amd64: other platforms run under qemu-user. */
  hostPlatform: string;
  cgroupVersion: '1' | '2' | null;
}

export { NO_DOCKER_MESSAGE } from './describe-engine-failure.ts';

const ARCHES: Record<string, string> = {
  x86_64: 'linux/amd64', amd64: 'linux/amd64', aarch64: 'linux/arm64', arm64: 'linux/arm64',
  armv7l: 'linux/arm/v7', armhf: 'linux/arm/v7',
};

export async function detectEngine(opts: { docker?: string; signal?: AbortSignal } = {}): Promise<EngineInfo> {
  const docker = opts.docker ?? pickDockerBinary(process.env, existsSync);
  const run = (args: string[]) =>
    execa(docker, args, { ...childEnv(), reject: false, timeout: 15_000, cancelSignal: opts.signal, stdin: 'ignore' });
  const info = await run(['info', '--format', '{{.ServerVersion}}|{{.Architecture}}|{{.CgroupVersion}}']);
  const [serverVersion = '', arch = '', cgroup = ''] = String(info.stdout ?? '').trim().split('|');
  if (info.exitCode !== 0 || serverVersion === '' || serverVersion.startsWith('<no value>')) {
    // `docker info --format` hides why on older clients ("template: … nil pointer"); `version` says it.
    const version = info.cause === undefined ? await run(['version', '--format', '{{.Server.Version}}']) : info;
    const why = String(version.stderr || info.stderr || info.shortMessage || '').trim();
    throw new BuildError('no-docker', describeEngineFailure(why, engineClient()), { logTail: why.split('\n').pop() ?? '', cause: info.cause ?? why });
  }
  const buildx = await run(['buildx', 'version']);
  const buildxVersion = buildx.exitCode === 0 ? (/v?\d+\.\d+(\.\d+)?/.exec(String(buildx.stdout))?.[0] ?? 'unknown') : null;
  const buildctl = await execa('buildctl', ['--version'], { ...childEnv(), reject: false, timeout: 5000, stdin: 'ignore' });
  return {
    docker,
    serverVersion,
    hostPlatform: ARCHES[arch] ?? `linux/${arch}`,
    cgroupVersion: cgroup === '1' || cgroup === '2' ? cgroup : null,
    buildx: buildxVersion,
    buildctl: buildctl.exitCode === 0 ? 'buildctl' : null,
  };
}

function engineClient() {
  return {
    uid: process.getuid?.() ?? null,
    groups: process.getgroups?.() ?? [],
    socketGroup: (path: string) => {
      try {
        return statSync(path).gid;
      } catch (err) {
        // Not visible from here (another mount namespace): the message just leaves the gid out.
        if (err instanceof Error && 'code' in err) return null;
        throw err;
      }
    },
  };
}
