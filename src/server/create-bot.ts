// The bot as `serve` runs it: webhook server → durable job queue → runPrJob with the forge of
// each job. Tests build it with an injected runCheck and state; `serve` with the real ones and
// the BUMPGUARD_DB store, so acknowledged deliveries and running jobs survive a restart.
import type { Logger } from 'pino';
import type { BotJob } from '../bot/index.ts';
import { engineRuntimeLimits, engineSlotLimits } from '../config/index.ts';
import {
  EngineSlots,
  HeadTracker,
  JobQueue,
  reconcileAtStart,
  runPrJob,
  runReconcileTask,
  RuntimeSlots,
  settleAfterJob,
  type EnqueueStatus,
  type JobQueueOptions,
  type JobRunResult,
  type PrJobDeps,
  type PrJobOutcome,
  type RunCheck,
} from '../jobs/index.ts';
import { JobStore, openDatabase } from '../store/index.ts';
import { createServer, type BumpguardServer, type ServerOptions } from './create-server.ts';
import type { ForgeIdStore, HostPath, OverrideStore } from '../core/index.ts';

export interface BotOptions extends Pick<
  ServerOptions,
  'github' | 'gitea' | 'bodyLimitBytes' | 'bodyBytesInFlight' | 'headersTimeoutMs' | 'requestTimeoutMs'
> {
  log: Logger;
  /** Loaded on first use, so the server answers webhooks even before the build stack is imported. */
  runCheck: () => Promise<RunCheck>;
  ports: Omit<PrJobDeps['ports'], 'slots' | 'runtime'>;
  state: OverrideStore & ForgeIdStore;
  /** Durable jobs, deliveries and gate states (default: a private in-memory database). */
  jobs?: JobStore;
  /** Jobs at once (default 1). */
  concurrency?: number;
  /** Builds on one engine at once across jobs (default 1; an operator engine's `slots` overrides it). */
  engineConcurrency?: number;
  /** Platforms measured at once on one engine across jobs (default: the core count; an operator engine's `runtimeSlots` overrides it). */
  runtimeConcurrency?: number;
  /** How long shutdown waits for running jobs before cancelling and checkpointing them (default 0). */
  shutdownGraceMs?: number;
  /**
   * Runs every job instead of the check (scripts/serve-noop.ts: jobs that only wait, for the load
   * bench and tests of the server process). Such jobs set no gate, so none is reconciled at start.
   */
  runJob?: JobQueueOptions['run'];
  workspace?: string;
  /** The bot host's directories and engine addresses: shown on PRs as placeholders. */
  hostPaths?: readonly HostPath[];
  /** Every finished job (tests wait on it; `serve` logs through runPrJob already). */
  onJobDone?: (job: BotJob, outcome: PrJobOutcome) => void;
}

export interface Bot {
  server: BumpguardServer;
  queue: JobQueue;
  /** Stop accepting (503), let running jobs finish within `graceMs`, checkpoint the rest. */
  shutdown(graceMs?: number): Promise<{ finished: number; checkpointed: number }>;
  /** shutdown(0). */
  close(): Promise<void>;
}

export function createBot(o: BotOptions): Bot {
  const heads = new HeadTracker();
  const jobs = o.jobs ?? new JobStore(openDatabase(':memory:'));
  const now = o.ports.now;
  const slots = new EngineSlots(o.engineConcurrency ?? 1, engineSlotLimits(o.ports.engines?.definitions ?? []));
  const runtime = new RuntimeSlots(engineRuntimeLimits(o.ports.engines?.definitions ?? [], o.runtimeConcurrency));
  let server: BumpguardServer | null = null;
  const forgeOf = (job: Parameters<BumpguardServer['forgeFor']>[0]) => {
    if (!server) throw new Error('job ran before the server was created');
    return server.forgeFor(job);
  };

  const runCheckJob = async (job: BotJob, signal: AbortSignal): Promise<JobRunResult> => {
    const forge = await forgeOf(job);
    const outcome = await runPrJob(job, {
      forge,
      runCheck: await o.runCheck(),
      ports: { ...o.ports, slots, runtime },
      state: o.state,
      heads,
      log: o.log,
      signal,
      ledger: {
        noteGate: (g) => jobs.noteGate({ ...g, forge: job.forge, repo: job.repo, installationId: job.installationId }, now().toISOString()),
        noteHead: (h) => jobs.noteHead(HeadTracker.key(job.forge, job.repo, h.pr), h.sha, h.at),
      },
      ...(o.workspace ? { workspace: o.workspace } : {}),
      ...(o.hostPaths ? { hostPaths: o.hostPaths } : {}),
    });
    // Writes during shutdown are skipped: the job is checkpointed and runs again.
    if (!queue.stopping) await settleAfterJob({ job, forge, outcome, jobs, heads, now, log: o.log });
    o.onJobDone?.(job, outcome);
    return outcome;
  };

  const queue = new JobQueue({
    store: jobs,
    heads,
    log: o.log,
    concurrency: o.concurrency ?? 1,
    now,
    run: o.runJob ?? runCheckJob,
    runTask: (task) => runReconcileTask(task, { forgeOf, jobs, now, log: o.log }),
    // Started once the server exists: a re-queued job needs its forge.
    autoStart: false,
  });
  if (!o.runJob) reconcileAtStart({ queue, jobs, heads, now, log: o.log });

  server = createServer({
    ...(o.github ? { github: o.github } : {}),
    ...(o.gitea ? { gitea: o.gitea } : {}),
    ...(o.bodyLimitBytes ? { bodyLimitBytes: o.bodyLimitBytes } : {}),
    ...(o.bodyBytesInFlight ? { bodyBytesInFlight: o.bodyBytesInFlight } : {}),
    ...(o.headersTimeoutMs ? { headersTimeoutMs: o.headersTimeoutMs } : {}),
    ...(o.requestTimeoutMs ? { requestTimeoutMs: o.requestTimeoutMs } : {}),
    problems: () => (jobs.problem === null ? [] : [jobs.problem]),
    log: o.log,
    forgeIds: o.state,
    onJob: async (job): Promise<EnqueueStatus> => {
      const status = await queue.accept(job);
      if (status !== 'queued')
        o.log.info({ delivery: job.deliveryId, repo: job.repo, pr: job.event.pr, status }, 'redelivery acknowledged: already accepted');
      return status;
    },
  });
  const s = server;
  queue.start();
  let stopping: ReturnType<Bot['shutdown']> | null = null;
  // Once only: a second SIGTERM, or a test's after() following an explicit stop, joins the first.
  const shutdown = (graceMs = o.shutdownGraceMs ?? 0) => {
    stopping ??= (async () => {
      s.stopAccepting();
      const closed = s.close();
      const result = await queue.shutdown(graceMs);
      // A connection still open after the grace (a slow or stuck client) must not hold the exit.
      s.http.closeAllConnections();
      await closed;
      return result;
    })();
    return stopping;
  };
  return {
    server: s,
    queue,
    shutdown,
    async close() {
      await shutdown(0);
    },
  };
}
