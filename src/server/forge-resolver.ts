// Turns a job into the Forge it acts through. GitHub: an installation Octokit from Probot (the
// same client `context.octokit` is), authenticated per job so tokens are fresh; Gitea: the token.
import type { Logger } from 'pino';
import type { ProbotOctokit } from 'probot';
import type { BotJob } from '../bot/index.ts';
import { GiteaForge, GitHubForge, type Forge } from '../forges/index.ts';
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
    const checkRunIds = {
      get: (key: string) => {
        const v = ids.getForgeId(job.repo, key);
        return v === null ? undefined : Number(v);
      },
      set: (key: string, id: number) => ids.setForgeId(job.repo, key, String(id)),
    };
    return new GitHubForge({ octokit, repo: job.repo, botLogin, checkRunIds });
  };
}
