// The operator's next step when the docker client cannot reach the engine, from the client's own
// words. "Permission denied on the socket" and "nothing listens there" have different fixes: a bot
// container started without the socket's group (compose's DOCKER_GID) is the common first one.

export const NO_DOCKER_MESSAGE = 'No Docker engine: run `bash scripts/setup-host.sh` (or start dockerd)';

export interface EngineClient {
  uid: number | null;
  groups: number[];
  /** Group owning a unix socket, null when it cannot be seen. */
  socketGroup: (path: string) => number | null;
}

/** One sentence naming the cause and the fix; `stderr` is what `docker version` printed. */
export function describeEngineFailure(stderr: string, client: EngineClient): string {
  const denied = /permission denied while trying to connect to the Docker daemon socket at unix:\/\/(?<path>\S+?):/i.exec(stderr);
  if (denied) {
    const path = denied.groups!.path!;
    const gid = client.socketGroup(path);
    const who = `uid ${client.uid ?? '?'}, groups ${client.groups.join(',') || 'none'}`;
    return `Permission denied on the Docker socket ${path}: this process (${who}) is not in its group${gid === null ? '' : ` ${gid}`}. ` +
      `In compose, put that group in build/.env as DOCKER_GID (stat -c %g ${path}) and recreate the container; ` +
      'on a host, add the bot\'s user to the socket\'s group.';
  }
  const down = /Cannot connect to the Docker daemon at (?<addr>\S+?)\.? Is the docker daemon running/i.exec(stderr);
  if (down) {
    return `No Docker engine answers at ${down.groups!.addr}: start dockerd (\`bash scripts/setup-host.sh\` on Debian), ` +
      'mount its socket into the bot\'s container, or point DOCKER_HOST at a running engine.';
  }
  return NO_DOCKER_MESSAGE;
}
