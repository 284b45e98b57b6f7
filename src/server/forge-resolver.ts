// Turns a job into the Forge it acts through. GitHub: an installation Octokit from Probot (the
// same client `context.octokit` is), authenticated per job so tokens are fresh; Gitea: the token.
import type { Logger } from 'pino';
import type { ProbotOctokit } from 'probot';
import type { BotJob } from '../bot/index.ts';
import { GiteaForge, GitHubForge, type CheckRunMemo, type Forge } from '../forges/index.ts';
import { InMemoryJobState } from '../jobs/in-memory-job-state.ts';
import type { ForgeIdStore } from '../jobs/types.ts';
import type { GiteaServerConfig } from './gitea-route.ts';

export type { ForgeIdStore } from '../jobs/types.ts';

export interface ForgeResolverDeps {
  github: { auth(installationId: number): Promise<ProbotOctokit>; botLogin(): Promise<string> } | null;
  gitea: GiteaServerConfig | null;
  ids: ForgeIdStore | null;
  log?: Logger;
}

export function createForgeResolver(d: ForgeResolverDeps) {
  const ids: ForgeIdStore = d.ids ?? new InMemoryJobState();
  return async function forgeFor(job: Pick<BotJob, 'forge' | 'repo' | 'installationId'>): Promise<Forge> {
    if (job.forge === 'gitea') {
      if (!d.gitea) throw new Error('a Gitea job reached a server without Gitea configured');
      return new GiteaForge({
        url: d.gitea.url,
        token: d.gitea.token,
        repo: job.repo,
        botLogin: d.gitea.botLogin,
        ...(d.gitea.retry ? { retry: d.gitea.retry } : {}),
        onRetry: (op, err, delayMs, attempt) => d.log?.warn({ op, status: err.status, code: err.code, delayMs, attempt, repo: job.repo }, 'Gitea API call failed; retrying'),
      });
    }
    if (!d.github || job.installationId === null) throw new Error('a GitHub job without an installation or GitHub configuration');
    const [octokit, botLogin] = await Promise.all([d.github.auth(job.installationId), d.github.botLogin()]);
    return new GitHubForge({ octokit, repo: job.repo, botLogin, checkRuns: checkRunMemo(ids, job.repo) });
  };
}

/** "check-run:<sha>" → "<id>" while in progress, "<id>:completed" once finished (a bare id from older versions reads as in progress: the PATCH answer tells). */
function checkRunMemo(ids: ForgeIdStore, repo: string): CheckRunMemo {
  return {
    get(sha) {
      const value = ids.getForgeId(repo, `check-run:${sha}`);
      const m = value === null ? null : /^(\d+)(:completed)?$/.exec(value);
      return m ? { id: Number(m[1]), completed: m[2] !== undefined } : undefined;
    },
    set: (sha, run) => ids.setForgeId(repo, `check-run:${sha}`, `${run.id}${run.completed ? ':completed' : ''}`),
  };
}
