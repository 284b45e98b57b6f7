// Reaching a container engine: the environment of every client process bumpguard starts, the
// docker client of one engine, a GET on the engine's API, and finding the engine and what its
// clients can do.

import { existsSync, statSync } from 'node:fs';
import { request } from 'node:http';
import { execa, type Options, type ResultPromise } from 'execa';
import { BuildError, LOCAL_ENGINE } from '../core/index.ts';
import { type EngineDefinition } from '../config/index.ts';

// The docker client as one engine sees it: the binary plus the global flags that select the
// engine (`--host ssh://pi@pi5.lan`, `--context rpi`, `--host tcp://… --tlsverify …`). Every
// docker call of a build, a RAM run or a canary goes through it, so all of them reach the same
// engine by the Docker CLI's own transports (its ssh connection helper, TLS, contexts); nothing
// here opens a connection itself.

export interface DockerClient {
  /** The engine's name: "local" (the bot's own, DOCKER_HOST or the socket) or the operator's. */
  engine: string;
  /** The docker binary. */
  file: string;
  /** Global flags choosing the engine, placed before the command; none for the bot's own engine. */
  args: string[];
  /** Set over the child's environment. */
  env: Record<string, string>;
}

/** The bot's own engine: whatever DOCKER_HOST, DOCKER_CONTEXT or the default socket say. */
export function localDockerClient(file: string): DockerClient {
  return { engine: LOCAL_ENGINE, file, args: [], env: {} };
}

/** The client for an operator's engine; null (or a build-only entry) is the bot's own engine. */
export function dockerClientFor(def: EngineDefinition | null, file: string, env: NodeJS.ProcessEnv): DockerClient {
  if (def === null || (def.host === undefined && def.context === undefined)) return localDockerClient(file);
  const select = def.host !== undefined ? ['--host', def.host] : ['--context', def.context!];
  const tls = def.tls ? ['--tlsverify', '--tlscacert', def.tls.ca, '--tlscert', def.tls.cert, '--tlskey', def.tls.key] : [];
  // The bot's own TLS settings (for DOCKER_HOST) must not leak onto another engine.
  const own: Record<string, string> = { DOCKER_TLS_VERIFY: '', DOCKER_TLS: '', DOCKER_CERT_PATH: '' };
  // The ssh connection helper runs the system's ssh, which may need the agent for its key.
  const agent: Record<string, string> = def.host?.startsWith('ssh://') && env.SSH_AUTH_SOCK ? { SSH_AUTH_SOCK: env.SSH_AUTH_SOCK } : {};
  return { engine: def.name, file, args: [...select, ...tls], env: { ...own, ...agent } };
}

/** True for the bot's own engine; messages name any other one ("engine pi5 unreachable: …"). */
export function isLocalEngine(client: DockerClient): boolean {
  return client.args.length === 0;
}

/** The argv after the binary: the engine's flags, then the command. */
export function dockerArgs(client: DockerClient, args: readonly string[]): string[] {
  return [...client.args, ...args];
}

/**
 * `docker <engine flags> <args>` through execa, with the engine's environment on top of the
 * minimal one (childEnv): the bot's forge tokens and secrets never reach the client.
 */
export function execDocker<O extends Options>(client: DockerClient, args: readonly string[], options: Cancellable<O>): ResultPromise<O> {
  const { cancelSignal, ...rest } = options;
  const merged = {
    ...rest,
    ...(cancelSignal ? { cancelSignal } : {}),
    ...childEnv({ ...client.env, ...(options.env as Record<string, string> | undefined) }),
  } as Options;
  // Only `env` changed, which does not shape the result: the caller's options type still describes it.
  return execa(client.file, dockerArgs(client, args), merged) as unknown as ResultPromise<O>;
}

/** execa's options, where the caller's optional AbortSignal may be passed on as it is. */
export type Cancellable<O extends Options> = Omit<O, 'cancelSignal'> & { cancelSignal?: AbortSignal | undefined };

/** The command line as a person would type it, for logs. */
export function dockerCommandLine(client: DockerClient, args: readonly string[]): string {
  return [client.file, ...dockerArgs(client, args)].join(' ');
}

// The environment of the processes bumpguard starts (docker, buildx, buildctl, git): only what
// those clients read, never the forge tokens, webhook secrets or keys `serve` holds. A child
// inherits nothing else: `extendEnv: false`.

/**
 * What the docker CLI (contexts, TLS, rootless socket, proxies), buildx, buildctl and git use.
 * buildx's kubernetes driver reads KUBECONFIG (else ~/.kube/config), and in a pod falls back to
 * the in-cluster address (KUBERNETES_SERVICE_HOST/PORT, with the mounted service-account token):
 * addresses and paths, no secrets. An exec credential plugin of a kubeconfig gets this environment too.
 */
export const CHILD_ENV_NAMES = [
  'PATH',
  'HOME',
  'USER',
  'LOGNAME',
  'TMPDIR',
  'TZ',
  'LANG',
  'LC_ALL',
  'LC_CTYPE',
  'XDG_RUNTIME_DIR',
  'XDG_CONFIG_HOME',
  'DOCKER_HOST',
  'DOCKER_CONTEXT',
  'DOCKER_CONFIG',
  'DOCKER_CERT_PATH',
  'DOCKER_TLS_VERIFY',
  'DOCKER_API_VERSION',
  'BUILDKIT_HOST',
  'BUILDX_CONFIG',
  'BUILDX_BUILDER',
  'KUBECONFIG',
  'KUBERNETES_SERVICE_HOST',
  'KUBERNETES_SERVICE_PORT',
  'HTTP_PROXY',
  'HTTPS_PROXY',
  'NO_PROXY',
  'http_proxy',
  'https_proxy',
  'no_proxy',
] as const;

/** Options to spread into an execa call: the minimal environment plus `extra`. */
export function childEnv(
  extra: Record<string, string> = {},
  from: NodeJS.ProcessEnv = process.env,
): { env: Record<string, string>; extendEnv: false } {
  const env: Record<string, string> = {};
  for (const name of CHILD_ENV_NAMES) {
    const value = from[name];
    if (value !== undefined) env[name] = value;
  }
  // An ssh:// engine needs the agent; no other child does.
  if (from.DOCKER_HOST?.startsWith('ssh://') && from.SSH_AUTH_SOCK) env.SSH_AUTH_SOCK = from.SSH_AUTH_SOCK;
  return { env: { ...env, ...extra }, extendEnv: false };
}

// GET on the Docker Engine API through the docker client's `system dial-stdio`: the client
// connects wherever it is configured to (the mounted socket, DOCKER_HOST with TLS, an ssh or
// context endpoint), so the bot needs no second way to reach the engine.
const TIMEOUT_MS = 10_000;

/** The JSON body of a 200 answer to `GET path`; throws with the engine's or the client's message otherwise. */
export async function getEngineJson(docker: DockerClient, path: string, signal?: AbortSignal): Promise<unknown> {
  const timeout = AbortSignal.timeout(TIMEOUT_MS);
  const cancel = signal ? AbortSignal.any([signal, timeout]) : timeout;
  const client = execDocker(docker, ['system', 'dial-stdio'], { cancelSignal: cancel, reject: false, stderr: 'pipe' });
  let answer: { status: number; text: string };
  try {
    answer = await new Promise((resolve, reject) => {
      const req = request(
        { createConnection: () => client.duplex(), path, method: 'GET', headers: { host: 'docker', connection: 'close' }, signal: cancel },
        (res) => {
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => (text += chunk));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
          res.on('error', reject);
        },
      );
      req.on('error', reject);
      req.end();
    });
  } catch (err) {
    // The client's own words say more than "socket hang up" (no engine, permission denied).
    client.kill();
    const said = String((await client).stderr ?? '').trim();
    throw new Error(`docker API GET ${path} failed${said ? `: ${said}` : ''}`, { cause: err });
  } finally {
    client.kill();
    await client;
  }
  if (answer.status !== 200) throw new Error(`docker API GET ${path}: HTTP ${answer.status} ${answer.text.trim().slice(0, 300)}`);
  return JSON.parse(answer.text) as unknown;
}

// Finds the container engine and what the clients can do; the one place that turns "no Docker"
// into the operator's next step: a setup mistake names the fix.
export interface EngineInfo extends ClientCaps {
  /** "local" or the operator's name for it (messages, build slots). */
  name: string;
  serverVersion: string;
  /** The engine's own platform, e.g. linux/amd64: other platforms run under qemu-user. */
  hostPlatform: string;
  cgroupVersion: '1' | '2' | null;
}

const ARCHES: Record<string, string> = {
  x86_64: 'linux/amd64',
  amd64: 'linux/amd64',
  aarch64: 'linux/arm64',
  arm64: 'linux/arm64',
  armv7l: 'linux/arm/v7',
  armhf: 'linux/arm/v7',
};

/** The engine `client` reaches (default: the bot's own); "no Docker" or "engine X unreachable" as a BuildError. */
export async function detectEngine(opts: { client?: DockerClient; signal?: AbortSignal | undefined } = {}): Promise<EngineInfo> {
  const docker = opts.client ?? localDockerClient(pickDockerBinary(process.env, existsSync));
  // An ssh engine may take a while to answer: the connection helper logs in for every call.
  const run = (args: string[]) => execDocker(docker, args, { reject: false, timeout: 30_000, cancelSignal: opts.signal, stdin: 'ignore' });
  const info = await run(['info', '--format', '{{.ServerVersion}}|{{.Architecture}}|{{.CgroupVersion}}|{{json .DriverStatus}}']);
  const [serverVersion = '', arch = '', cgroup = '', driverStatus = ''] = String(info.stdout ?? '')
    .trim()
    .split('|');
  if (info.exitCode !== 0 || serverVersion === '' || serverVersion.startsWith('<no value>')) {
    // `docker info --format` hides why on older clients ("template: … nil pointer"); `version` says it.
    const version = info.cause === undefined ? await run(['version', '--format', '{{.Server.Version}}']) : info;
    const why = String(version.stderr || info.stderr || info.shortMessage || '').trim();
    const logTail = why.split('\n').pop() ?? '';
    if (!isLocalEngine(docker)) {
      throw new BuildError('engine-unreachable', `engine ${docker.engine} unreachable: ${firstLine(why) || 'no answer'}`, {
        logTail,
        cause: info.cause ?? why,
      });
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
  const line =
    text
      .split('\n')
      .map((l) => l.trim())
      .find(Boolean) ?? '';
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

/** What the host's clients can do (from detectEngine). */
export interface ClientCaps {
  /** The docker client, with the flags that select the engine. */
  docker: DockerClient;
  /** buildx plugin version, null when the plugin is missing. */
  buildx: string | null;
  /** Path of a buildctl binary, null when none. */
  buildctl: string | null;
  /**
   * Where the engine keeps images: `containerd` (the containerd image store) holds multi-platform
   * images, so buildx builds several platforms in one invocation and the engine loads the result.
   */
  imageStore?: 'containerd' | 'classic';
}

// The operator's next step when the docker client cannot reach the engine, from the client's own
// words. "Permission denied on the socket" and "nothing listens there" have different fixes: a bot
// container started without the socket's group (compose's DOCKER_GID) is the common first one.

export const NO_DOCKER_MESSAGE = 'No Docker engine: run `bash scripts/setup-host.sh` (or start dockerd)';

interface EngineClient {
  uid: number | null;
  groups: number[];
  /** Group owning a unix socket, null when it cannot be seen. */
  socketGroup: (path: string) => number | null;
}

/** One sentence naming the cause and the fix; `stderr` is what `docker version` printed. */
function describeEngineFailure(stderr: string, client: EngineClient): string {
  const denied = /permission denied while trying to connect to the Docker daemon socket at unix:\/\/(?<path>\S+?):/i.exec(stderr);
  if (denied) {
    const path = denied.groups!.path!;
    const gid = client.socketGroup(path);
    const who = `uid ${client.uid ?? '?'}, groups ${client.groups.join(',') || 'none'}`;
    return (
      `Permission denied on the Docker socket ${path}: this process (${who}) is not in its group${gid === null ? '' : ` ${gid}`}. ` +
      `In compose, put that group in build/.env as DOCKER_GID (stat -c %g ${path}) and recreate the container; ` +
      "on a host, add the bot's user to the socket's group."
    );
  }
  const down = /Cannot connect to the Docker daemon at (?<addr>\S+?)\.? Is the docker daemon running/i.exec(stderr);
  if (down) {
    return (
      `No Docker engine answers at ${down.groups!.addr}: start dockerd (\`bash scripts/setup-host.sh\` on Debian), ` +
      "mount its socket into the bot's container, or point DOCKER_HOST at a running engine."
    );
  }
  return NO_DOCKER_MESSAGE;
}

// Which docker client to run. Debian's /usr/bin/docker (docker.io) is preferred over whatever is
// first on PATH: on these hosts /usr/local/bin/docker is a newer client without the buildx
// plugin, and such clients refuse DOCKER_BUILDKIT=1 builds without buildx.

const DEBIAN_DOCKER = '/usr/bin/docker';

/** `$BUMPGUARD_DOCKER`, else /usr/bin/docker when it exists, else `docker` from PATH. */
export function pickDockerBinary(env: Record<string, string | undefined>, exists: (path: string) => boolean): string {
  const override = env.BUMPGUARD_DOCKER?.trim();
  if (override) return override;
  return exists(DEBIAN_DOCKER) ? DEBIAN_DOCKER : 'docker';
}
