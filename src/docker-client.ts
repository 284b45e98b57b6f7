// The docker client as one engine sees it: the binary plus the global flags that select the
// engine (`--host ssh://pi@pi5.lan`, `--context rpi`, `--host tcp://… --tlsverify …`). Every
// docker call of a build, a RAM run or a canary goes through it, so all of them reach the same
// engine by the Docker CLI's own transports (its ssh connection helper, TLS, contexts); nothing
// here opens a connection itself.
import { execa, type Options, type ResultPromise } from 'execa';
import { childEnv } from './child-env.ts';
import { LOCAL_ENGINE, type EngineDefinition } from './config/index.ts';

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
 * minimal one (child-env.ts): the bot's forge tokens and secrets never reach the client.
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
