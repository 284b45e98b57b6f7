// Where upstream Tailscale files come from. Implementations: local git dir (clone or bare
// mirror), GitHub API, fixtures directory. All are wrapped by a disk cache keyed by
// (repo, tag, path): tags are immutable, so a second audit does no network I/O.

export interface UpstreamSource {
  /** Human description for messages, e.g. "git /srv/tailscale.git" or "github tailscale/tailscale". */
  readonly describe: string;
  /** Text of `path` at `tag`, or null when the file does not exist at that tag. Throws UpstreamError when the tag or source is unreachable. */
  readFile(tag: string, path: string): Promise<string | null>;
}
