// Finds the container engine and what the clients can do; the one place that turns "no Docker"
// into the operator's next step: a setup mistake names the fix.
import { existsSync, statSync } from 'node:fs';
import { execa } from 'execa';
import { childEnv } from '../child-env.ts';
import { execDocker, isLocalEngine, localDockerClient, type DockerClient } from '../docker-client.ts';
import { BuildError } from '../errors.ts';
import type { ClientCaps } from './build-command.ts';
import { describeEngineFailure } from './describe-engine-failure.ts';
import { pickDockerBinary } from './docker-binary.ts';

export interface EngineInfo extends ClientCaps {
  /** "local" or the operator's name for it (messages, build slots). */
  name: string;
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

/** The engine `client` reaches (default: the bot's own); "no Docker" or "engine X unreachable" as a BuildError. */
export async function detectEngine(opts: { client?: DockerClient; signal?: AbortSignal | undefined } = {}): Promise<EngineInfo> {
  const docker = opts.client ?? localDockerClient(pickDockerBinary(process.env, existsSync));
  // An ssh engine may take a while to answer: the connection helper logs in for every call.
  const run = (args: string[]) =>
    execDocker(docker, args, { reject: false, timeout: 30_000, cancelSignal: opts.signal, stdin: 'ignore' });
  const info = await run(['info', '--format', '{{.ServerVersion}}|{{.Architecture}}|{{.CgroupVersion}}|{{json .DriverStatus}}']);
  const [serverVersion = '', arch = '', cgroup = '', driverStatus = ''] = String(info.stdout ?? '').trim().split('|');
  if (info.exitCode !== 0 || serverVersion === '' || serverVersion.startsWith('<no value>')) {
    // `docker info --format` hides why on older clients ("template: … nil pointer"); `version` says it.
    const version = info.cause === undefined ? await run(['version', '--format', '{{.Server.Version}}']) : info;
    const why = String(version.stderr || info.stderr || info.shortMessage || '').trim();
    const logTail = why.split('\n').pop() ?? '';
    if (!isLocalEngine(docker)) {
      throw new BuildError('engine-unreachable', `engine ${docker.engine} unreachable: ${firstLine(why) || 'no answer'}`, { logTail, cause: info.cause ?? why });
    }
    throw new BuildError('no-docker', describeEngineFailure(why, engineClient()), { logTail, cause: info.cause ?? why });
  }
  // The client's plugins and tools, not the engine's: the same answer whichever engine it talks to.
  const buildx = await run(['buildx', 'version']);
  const buildxVersion = buildx.exitCode === 0 ? (/v?\d+\.\d+(\.\d+)?/.exec(String(buildx.stdout))?.[0] ?? 'unknown') : null;
  const buildctl = await execa('buildctl', ['--version'], { ...childEnv(), reject: false, timeout: 5000, stdin: 'ignore' });
  return {
    name: docker.engine,
    docker,
    serverVersion,
    hostPlatform: ARCHES[arch] ?? `linux/${arch}`,
    cgroupVersion: cgroup === '1' || cgroup === '2' ? cgroup : null,
    buildx: buildxVersion,
    buildctl: buildctl.exitCode === 0 ? 'buildctl' : null,
    // The containerd image store reports its snapshotter as the storage driver's type.
    imageStore: driverStatus.includes('io.containerd.snapshotter') ? 'containerd' : 'classic',
  };
}

/** The client's own words, without the "please make sure…" boilerplate docker adds after them. */
function firstLine(text: string): string {
  const line = text.split('\n').map((l) => l.trim()).find(Boolean) ?? '';
  return line.length > 400 ? `${line.slice(0, 400)}…` : line;
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
