// Builds run with no network by default (`build.network: none`), but real Tailscale images fetch
// their sources in a RUN step (git clone, go mod download, wget of a tarball). Such a build fails on
// a resolver or connect error; this finds that line so the report says what to change instead of
// "exit code: 1". Only a RUN step's own output counts (BuildKit's `#<step> <seconds> <text>`
// lines): the engine failing to pull a base image is not fixed by giving RUN a network.

/** What fetch tools print when there is no network: resolvers first, then connects. */
const NETWORK_ERRORS = [
  /\bbad address '[^']+'/i, // busybox wget
  /\bcould not resolve host\b/i, // curl, git
  /\btemporary failure (in name resolution|resolving)\b/i, // glibc resolver, apt
  /\bname or service not known\b/i, // glibc getaddrinfo (python, pip)
  /\bunable to resolve host address\b/i, // GNU wget
  /\bgetaddrinfo (EAI_AGAIN|ENOTFOUND)\b/i, // Node, npm
  /\bdial tcp: lookup \S+.*\b(no such host|server misbehaving|i\/o timeout)\b/i, // Go: go mod download, go get
  /\bDNS lookup error\b/i, // apk
  /\bnetwork is unreachable\b/i, // any connect() without a route
] as const satisfies readonly RegExp[];

const RUN_OUTPUT = /^#\d+ \d+\.\d+ (?<text>.*)$/;

/** The first RUN output line showing a failed network access, or null. */
export function findNetworkFailure(log: string): string | null {
  for (const line of log.split('\n')) {
    const text = RUN_OUTPUT.exec(line.trim())?.groups?.text?.trim();
    if (text && NETWORK_ERRORS.some((re) => re.test(text))) return text.length > 200 ? `${text.slice(0, 200)}…` : text;
  }
  return null;
}

/** The build-failed message when that happened in a build without a network. */
export function networkNoneMessage(platform: string, line: string): string {
  return `The ${platform} build failed on a network error (${line}): builds run without a network by default ` +
    '(build.network: none). If the Dockerfile fetches sources in a RUN step, set `build: { network: default }` ' +
    'in .bumpguard.yml on the base branch.';
}
