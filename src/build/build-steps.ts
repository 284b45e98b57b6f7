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
