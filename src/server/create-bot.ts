// The bot as `serve` runs it: webhook server → in-process queue → runPrJob with the forge of
// each job. Tests build it with an injected runCheck and state; `serve` with the real ones.
import type { Logger } from 'pino';
import type { BotJob } from '../bot/index.ts';
import { HeadTracker } from '../jobs/head-tracker.ts';
import { JobQueue } from '../jobs/job-queue.ts';
import { runPrJob, type PrJobDeps, type PrJobOutcome } from '../jobs/run-pr-job.ts';
import type { ForgeIdStore, OverrideStore, RunCheck } from '../jobs/types.ts';
import { createServer, type BumpguardServer, type ServerOptions } from './create-server.ts';

export interface BotOptions extends Pick<ServerOptions, 'github' | 'gitea' | 'bodyLimitBytes'> {
  log: Logger;
  /** Loaded on first use, so the server answers webhooks even before the build stack is imported. */
  runCheck: () => Promise<RunCheck>;
  ports: PrJobDeps['ports'];
  state: OverrideStore & ForgeIdStore;
  concurrency?: number;
  workspace?: string;
  /** Every finished job (tests wait on it; `serve` logs through runPrJob already). */
  onJobDone?: (job: BotJob, outcome: PrJobOutcome) => void;
}

export interface Bot {
  server: BumpguardServer;
  queue: JobQueue;
  /** Stop accepting, abort running jobs, wait for them. */
  close(): Promise<void>;
}

export async function createBot(o: BotOptions): Promise<Bot> {
  const heads = new HeadTracker();
  let server: BumpguardServer | null = null;
  const queue = new JobQueue({
    heads,
    log: o.log,
    concurrency: o.concurrency ?? 1,
    run: async (job, signal) => {
      if (!server) throw new Error('job ran before the server was created');
      const outcome = await runPrJob(job, {
        forge: await server.forgeFor(job),
        runCheck: await o.runCheck(),
        ports: o.ports,
        state: o.state,
        heads,
        log: o.log,
        signal,
        ...(o.workspace ? { workspace: o.workspace } : {}),
      });
      o.onJobDone?.(job, outcome);
    },
  });
  server = await createServer({
    ...(o.github ? { github: o.github } : {}),
    ...(o.gitea ? { gitea: o.gitea } : {}),
    ...(o.bodyLimitBytes ? { bodyLimitBytes: o.bodyLimitBytes } : {}),
    log: o.log,
    forgeIds: o.state,
    onJob: (job) => {
      if (queue.enqueue(job) === 'duplicate') o.log.info({ delivery: job.deliveryId }, 'redelivery ignored: already accepted');
    },
  });
  const s = server;
  return {
    server: s,
    queue,
    async close() {
      await s.close();
      await queue.close();
    },
  };
}
