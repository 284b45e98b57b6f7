// The Renovate marker comment that tags the Tailscale version line, e.g.
// `# renovate: datasource=github-releases depName=tailscale packageName=tailscale/tailscale versioning=semver`.
// Only the key=value pairs are read, so extra keys and their order don't matter.

const MARKER_RE = /^\s*#\s*renovate:\s*(?<pairs>.*)$/i;
const PAIR_RE = /(?<key>[A-Za-z]+)=(?<value>\S+)/g;

/** Names that identify upstream Tailscale in a marker (github release or the docker image of the same name). */
const DEP_NAMES = new Set(['tailscale', 'tailscale/tailscale']);

/** True when `line` is a Renovate marker comment for the Tailscale dependency. */
export function isTailscaleMarker(line: string): boolean {
  const pairs = MARKER_RE.exec(line)?.groups?.pairs;
  if (pairs === undefined) return false;
  for (const m of pairs.matchAll(PAIR_RE)) {
    const key = m.groups!.key!.toLowerCase();
    const value = m.groups!.value!.toLowerCase();
    if (key === 'depname' && DEP_NAMES.has(value)) return true;
    if (key === 'packagename' && value === 'tailscale/tailscale') return true;
  }
  return false;
}
