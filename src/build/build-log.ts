// What a build's output says: its last lines, its steps (ran or cached), whose fault a failure
// is, a network failure in a RUN step, and what of it may be shown on the PR.

import { redactHostPaths, type BuildErrorCode, type HostPath } from '../core/index.ts';

// Keeps the last lines of a build log for the report (a failed arm/v7 build is diagnosed from
// its tail) without holding a long BuildKit log in memory.

const DEFAULT_TAIL_LINES = 60;

/** A build step may print one endless line (`head -c 1G /dev/zero`): no line is kept longer than this. */
const MAX_LINE_CHARS = 4096;

export class LogTail {
  readonly #max: number;
  readonly #lines: string[] = [];
  #partial = '';

  constructor(maxLines = DEFAULT_TAIL_LINES) {
    this.#max = maxLines;
  }

  /** Feeds raw output; returns the complete lines it contained (for live logging). */
  push(chunk: string): string[] {
    const parts = (this.#partial + chunk).split(/\r?\n/);
    this.#partial = clip(parts.pop() ?? '');
    const lines = parts.map(clip);
    for (const line of lines) this.#add(line);
    return lines;
  }

  /** Adds one whole line (e.g. a note of ours between build steps). */
  line(text: string): void {
    this.#add(text);
  }

  #add(line: string): void {
    this.#lines.push(line);
    if (this.#lines.length > this.#max) this.#lines.splice(0, this.#lines.length - this.#max);
  }

  /** The kept lines, including an unterminated last line. */
  text(): string {
    const all = this.#partial === '' ? this.#lines : [...this.#lines, this.#partial].slice(-this.#max);
    return all.join('\n');
  }
}

function clip(line: string): string {
  return line.length > MAX_LINE_CHARS ? `${line.slice(0, MAX_LINE_CHARS)}… (line cut)` : line;
}

// BuildKit's plain progress names every step and says whether it ran or came from the cache:
//   #7 [build 3/9] RUN ./tools/assemble …     the step (stage, index/count, instruction)
//   #7 CACHED                                  reused from BuildKit's cache
//   #7 DONE 1.2s                               ran, and how long it took
// Read line by line, so a build's steps are known without keeping its whole log. This is how
// bumpguard shows that stages on --platform=$BUILDPLATFORM run once, not once per target
// platform: with single-platform `docker build`, the second and third platform find them CACHED.

export interface BuildStep {
  /** BuildKit's vertex number in this build's log. */
  id: number;
  /** The stage name (or `stage-N`), null for BuildKit's own vertices ([internal], load metadata). */
  stage: string | null;
  /** "RUN ./tools/assemble …" as BuildKit prints it. */
  instruction: string;
  cached: boolean;
  /** Seconds it ran (0 when cached; null while unfinished). */
  seconds: number | null;
}

const STEP = /^#(?<id>\d+) \[(?<label>[^\]]+)\] (?<instruction>.+)$/;
const END = /^#(?<id>\d+) (?:(?<cached>CACHED)|DONE (?<seconds>\d+(?:\.\d+)?)s)$/;

export class BuildSteps {
  readonly #steps = new Map<number, BuildStep>();

  line(text: string): void {
    const line = text.trim();
    const step = STEP.exec(line)?.groups;
    if (step) {
      const id = Number(step.id);
      if (this.#steps.has(id)) return;
      // "[build 3/9]", "[build  3/11]" (padded), "[stage-1 2/2]", "[3/5]" for an unnamed single stage;
      // "[internal] …" is BuildKit's own.
      const m = /^(?:(?<stage>\S+) +)?\d+\/\d+$/.exec(step.label!)?.groups;
      if (!m) return;
      this.#steps.set(id, { id, stage: m.stage ?? 'stage-0', instruction: step.instruction!, cached: false, seconds: null });
      return;
    }
    const end = END.exec(line)?.groups;
    const known = end && this.#steps.get(Number(end.id));
    if (!known) return;
    known.cached = end.cached !== undefined;
    known.seconds = end.cached !== undefined ? 0 : Number(end.seconds);
  }

  /** The Dockerfile's steps in the order BuildKit first named them. */
  steps(): BuildStep[] {
    return [...this.#steps.values()];
  }
}

/** "14 steps: 9 cached, 5 ran in 3.4 s" */
export function summariseSteps(steps: BuildStep[]): string {
  const cached = steps.filter((s) => s.cached).length;
  const ran = steps.filter((s) => !s.cached && s.seconds !== null);
  const seconds = ran.reduce((sum, s) => sum + (s.seconds ?? 0), 0);
  return `${steps.length} steps: ${cached} cached, ${ran.length} ran in ${seconds.toFixed(1)} s`;
}

// Whose fault a failed build is, from its output (pure). Only the target failing its own build is
// `build-failed` (a blocker on the PR): a RUN step exiting non-zero, a missing COPY source, a
// Dockerfile that does not parse. The engine going away, an unreachable builder or registry, a full
// disk are infrastructure, and so is anything not recognised: it ends as `error`, which blocks
// too, but says the PR is not to blame and `/rebuild` retries.
/**
 * Lost contact with the engine or builder, in the client's own lines (a RUN step's output, `#5 0.12 …`,
 * is the image's business). Checked first: a dying daemon can break a RUN step too.
 */
const ENGINE_GONE = [
  /^(error: )?unexpected EOF$/i, // the client when dockerd stops mid-build (20.10)
  /Cannot connect to the Docker daemon/i,
  /error during connect/i,
  /Is the docker daemon running/i,
  /failed to dial gRPC/i,
  /transport is closing/i,
  /rpc error: code = (Unavailable|Canceled|Internal)/i,
  /error reading from server: EOF/i,
  /connection reset by peer/i,
  /broken pipe/i,
];

/** BuildKit's words for the target's own failure (20.10's BuildKit and newer ones). */
const TARGET_FAULT = [
  /executor failed running \[/i,
  /did not complete successfully: exit code/i,
  /failed to compute cache key: .*not found/i,
  /failed to calculate checksum of ref .*not found/i,
  /dockerfile parse error/i,
  /failed to create LLB definition/i,
  /failed to read dockerfile/i,
];

const STEP_OUTPUT = /^#\d+ \d+\.\d+ /;

export function classifyBuildFailure(log: string): Extract<BuildErrorCode, 'build-failed' | 'build-error' | 'docker-unavailable'> {
  const clientLines = log
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !STEP_OUTPUT.test(l));
  if (clientLines.some((line) => ENGINE_GONE.some((re) => re.test(line)))) return 'docker-unavailable';
  if (TARGET_FAULT.some((re) => re.test(log))) return 'build-failed';
  return 'build-error';
}

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
  return (
    `The ${platform} build failed on a network error (${line}): builds run without a network by default ` +
    '(build.network: none). If the Dockerfile fetches sources in a RUN step, set `build: { network: default }` ' +
    'in .bumpguard.yml on the base branch.'
  );
}

// What of a build log may be shown on the PR. Any build: not the docker command line and not the
// bot's own paths (checkouts, scratch directories, the engine's data root), which say nothing
// about the image and describe the bot's host. A build of code nobody with write access
// reviewed: not even that, only the failing step and its exit code: its output is whatever the
// PR's Dockerfile chose to print. Pure.

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
