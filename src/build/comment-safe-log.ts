// What of a build log may be shown on the PR. Any build: not the docker command line and not the
// bot's own paths (checkouts, scratch directories, the engine's data root), which say nothing
// about the image and describe the bot's host. A build of code nobody with write access
// reviewed: not even that, only the failing step and its exit code: its output is whatever the
// PR's Dockerfile chose to print. Pure.

/** Directories that are the bot host's own business, each shown as its placeholder. */
export interface HostPath {
  path: string;
  as: string;
}

/** The engine keeps build mounts and layers under these; an error quoting one is shown as `<engine>`, whole. */
const ENGINE_PATH = /\/var\/lib\/(?:docker|containerd|buildkit)(?:\/[^\s'":]*)?/g;

/** Replaces each host path in one pass, longest first (a checkout inside the temp dir reads as the checkout). */
export function redactHostPaths(text: string, hostPaths: HostPath[]): string {
  const engineFree = text.replace(ENGINE_PATH, '<engine>');
  const all = hostPaths
    .map((h) => ({ path: h.path.replace(/\/+$/, ''), as: h.as }))
    .filter((h) => h.path.length > 1)
    .sort((a, b) => b.path.length - a.path.length);
  if (all.length === 0) return engineFree;
  const placeholder = new Map(all.map((h) => [h.path, h.as]));
  const re = new RegExp(all.map((h) => h.path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|'), 'g');
  return engineFree.replace(re, (m) => placeholder.get(m) ?? m);
}

/** A log tail for the PR comment: our `$ docker …` notes dropped, host paths replaced. */
export function commentSafeLog(log: string, hostPaths: HostPath[]): string {
  return redactHostPaths(
    log
      .split('\n')
      .filter((line) => !line.startsWith('$ '))
      .join('\n'),
    hostPaths,
  );
}

export interface BuildFailureSummary {
  /** The BuildKit step that failed, e.g. "[2/3] RUN make" (cut to 200 characters). */
  step: string | null;
  exitCode: number | null;
}

/**
 * The failing step and exit code of a BuildKit plain-progress log: the vertex whose
 * `#N ERROR:` line ends the build, named by its `#N [stage i/n] INSTRUCTION` header.
 */
export function summarizeBuildFailure(log: string): BuildFailureSummary {
  const lines = log.split('\n');
  const errorAt = lines.findLastIndex((l) => /^#\d+ ERROR:/.test(l));
  if (errorAt === -1) {
    const exit = /exit code: (\d+)/.exec(lines.findLast((l) => /exit code: \d+/.test(l)) ?? '');
    const quoted = lines.findLast((l) => /^ > \[.*\]:?$/.test(l));
    return { step: quoted ? cut(quoted.replace(/^ > /, '').replace(/:$/, '')) : null, exitCode: exit ? Number(exit[1]) : null };
  }
  const vertex = /^(#\d+) /.exec(lines[errorAt]!)![1]!;
  const header = lines.find((l) => l.startsWith(`${vertex} [`));
  const exit = /exit code: (\d+)/.exec(lines[errorAt]!);
  return { step: header ? cut(header.slice(vertex.length + 1)) : null, exitCode: exit ? Number(exit[1]) : null };
}

function cut(text: string): string {
  return text.length > 200 ? `${text.slice(0, 200)}…` : text;
}
