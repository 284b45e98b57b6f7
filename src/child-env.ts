// The environment of the processes bumpguard starts (docker, buildx, buildctl, git): only what
// those clients read, never the forge tokens, webhook secrets or keys `serve` holds. A child
// inherits nothing else: `extendEnv: false`.

/** What the docker CLI (contexts, TLS, rootless socket, proxies), buildx, buildctl and git use. */
const PASSED = [
  'PATH', 'HOME', 'USER', 'LOGNAME', 'TMPDIR', 'TZ', 'LANG', 'LC_ALL', 'LC_CTYPE',
  'XDG_RUNTIME_DIR', 'XDG_CONFIG_HOME',
  'DOCKER_HOST', 'DOCKER_CONTEXT', 'DOCKER_CONFIG', 'DOCKER_CERT_PATH', 'DOCKER_TLS_VERIFY', 'DOCKER_API_VERSION',
  'BUILDKIT_HOST', 'BUILDX_CONFIG', 'BUILDX_BUILDER',
  'HTTP_PROXY', 'HTTPS_PROXY', 'NO_PROXY', 'http_proxy', 'https_proxy', 'no_proxy',
] as const;

/** Options to spread into an execa call: the minimal environment plus `extra`. */
export function childEnv(extra: Record<string, string> = {}, from: NodeJS.ProcessEnv = process.env): { env: Record<string, string>; extendEnv: false } {
  const env: Record<string, string> = {};
  for (const name of PASSED) {
    const value = from[name];
    if (value !== undefined) env[name] = value;
  }
  // An ssh:// engine needs the agent; no other child does.
  if (from.DOCKER_HOST?.startsWith('ssh://') && from.SSH_AUTH_SOCK) env.SSH_AUTH_SOCK = from.SSH_AUTH_SOCK;
  return { env: { ...env, ...extra }, extendEnv: false };
}
