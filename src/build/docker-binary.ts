// Which docker client to run. Debian's /usr/bin/docker (docker.io) is preferred over whatever is
// first on PATH: on these hosts /usr/local/bin/docker is a newer client without the buildx
// plugin, and such clients refuse DOCKER_BUILDKIT=1 builds without buildx.

export const DEBIAN_DOCKER = '/usr/bin/docker';

/** `$BUMPGUARD_DOCKER`, else /usr/bin/docker when it exists, else `docker` from PATH. */
export function pickDockerBinary(env: Record<string, string | undefined>, exists: (path: string) => boolean): string {
  const override = env.BUMPGUARD_DOCKER?.trim();
  if (override) return override;
  return exists(DEBIAN_DOCKER) ? DEBIAN_DOCKER : 'docker';
}
