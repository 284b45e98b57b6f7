// GitHub's check-runs API at the nock boundary, answering as real GitHub does: a run is created
// by POST; a PATCH changes a run still in progress, but a completed run keeps its status and
// conclusion (the PATCH answers 200 with the run unchanged, as GitHub's community forum,
// Mergify, Atlantis and Tekton report). The required check shows the latest run of its name.
import type nock from 'nock';

export interface GhRun {
  id: number;
  head_sha: string;
  name: string;
  status: string;
  conclusion: string | null;
  title: string;
  app: { slug: string };
}

interface RunBody {
  name?: string;
  head_sha?: string;
  status?: string;
  conclusion?: string;
  details_url?: string;
  output?: { title?: string };
}

export class GithubCheckRuns {
  /** Every run GitHub holds, oldest first. */
  readonly runs: GhRun[] = [];
  #nextId: number;
  readonly #scope: () => nock.Scope;
  readonly #repo: string;

  /** `scope`: a fresh nock scope for api.github.com (recorded or not); `repo`: "/repos/o/r". */
  constructor(scope: () => nock.Scope, repo: string, firstId = 4242) {
    this.#scope = scope;
    this.#repo = repo;
    this.#nextId = firstId;
  }

  /** A run another job (or an earlier process) left on a commit. */
  seed(run: Omit<GhRun, 'id' | 'name' | 'app' | 'title'> & { title?: string; app?: string }): GhRun {
    const stored: GhRun = {
      id: this.#nextId++,
      name: 'bumpguard',
      title: run.title ?? '',
      head_sha: run.head_sha,
      status: run.status,
      conclusion: run.conclusion,
      app: { slug: run.app ?? 'bumpguard' },
    };
    this.runs.push(stored);
    return stored;
  }

  /** What the PR page shows for `sha`: the latest run named bumpguard by our app. */
  gate(sha: string): { status: string; conclusion: string | null; title: string } | undefined {
    const run = this.runs.filter((r) => r.head_sha === sha && r.name === 'bumpguard' && r.app.slug === 'bumpguard').at(-1);
    return run && { status: run.status, conclusion: run.conclusion, title: run.title };
  }

  /** Expect `times` listings of a commit's runs (filter=latest: the newest of each name). */
  list(sha: string, times = 1): this {
    this.#scope()
      .get(`${this.#repo}/commits/${sha}/check-runs`)
      .query({ check_name: 'bumpguard', filter: 'latest' })
      .times(times)
      .reply(() => {
        const latest = new Map<string, GhRun>();
        for (const r of this.runs.filter((x) => x.head_sha === sha)) latest.set(`${r.name}|${r.app.slug}`, r);
        const runs = [...latest.values()].reverse();
        return [200, { total_count: runs.length, check_runs: runs.map(wire) }];
      });
    return this;
  }

  /** Expect `times` creations; `check` may assert on each body. */
  create(times = 1, check: (body: RunBody) => boolean = () => true): this {
    this.#scope()
      .post(`${this.#repo}/check-runs`, (b: RunBody) => check(b))
      .times(times)
      // nock 15 hands a reply function the fetch Request (a two-argument one would be a callback).
      .reply(async (req: Request) => {
        const b = (await req.json()) as RunBody;
        const run: GhRun = {
          id: this.#nextId++,
          name: b.name ?? '',
          head_sha: b.head_sha ?? '',
          status: b.status ?? 'queued',
          conclusion: b.status === 'completed' ? (b.conclusion ?? null) : null,
          title: b.output?.title ?? '',
          app: { slug: 'bumpguard' },
        };
        this.runs.push(run);
        return [201, wire(run)];
      });
    return this;
  }

  /** Expect `times` updates of any run; a completed one is answered unchanged. */
  update(times = 1, check: (body: RunBody) => boolean = () => true): this {
    this.#scope()
      .patch(/\/check-runs\/\d+$/, (b: RunBody) => check(b))
      .times(times)
      .reply(async (req: Request) => {
        const id = Number(/check-runs\/(\d+)/.exec(req.url)?.[1]);
        const run = this.runs.find((r) => r.id === id);
        if (!run) return [404, { message: 'Not Found' }];
        if (run.status !== 'completed') {
          const b = (await req.json()) as RunBody;
          if (b.status) run.status = b.status;
          if (b.status === 'completed') run.conclusion = b.conclusion ?? null;
          if (b.output?.title !== undefined) run.title = b.output.title;
        }
        return [200, wire(run)];
      });
    return this;
  }
}

function wire(run: GhRun) {
  return {
    id: run.id,
    name: run.name,
    head_sha: run.head_sha,
    status: run.status,
    conclusion: run.conclusion,
    output: { title: run.title },
    app: { slug: run.app.slug },
  };
}
