// `bumpguard serve`: env → webhook server for GitHub and/or Gitea → in-process job queue →
// the real check. It only wires; every decision lives in src/jobs and the pure rooms.
import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { once } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import { createUpstream, localEditRunner } from '../../upstream/index.ts';
import { BuildCache } from '../../build/index.ts';
import { detectEngine, dockerClientFor, pickDockerBinary, processOwner, sweepEngines, type Owner } from '../../engine/index.ts';
import { BuildError, ConfigError, LOCAL_ENGINE } from '../../core/index.ts';
import { type EngineDefinition } from '../../config/index.ts';
import { createBot, createLogger, readServerEnv, serverHostPaths, type BotOptions, type ServerEnv } from '../../server/index.ts';
import { JobStore, LeaseHeldError, openDatabase, ResultStore, StoreLease } from '../../store/index.ts';
import { EXIT, type CliIo, type Command } from '../io.ts';

export const SERVE_HELP = `Usage: bumpguard serve

Runs the webhook server: POST /api/github/webhooks (GitHub App), POST /api/gitea/webhooks
(Gitea or Forgejo webhook), GET /healthz. Configuration comes from the environment (see
.env.example, docs/github.md, docs/gitea.md):

  PORT, HOST                 where to listen (default 3000 on 0.0.0.0)
  BUMPGUARD_DB               sqlite file for results, history, overrides and the job queue
                             (default .bumpguard/bumpguard.db; one serve per file: a second
                             one refuses to start)
  BUMPGUARD_UPSTREAM         "github" or a tailscale/tailscale clone or mirror (default github)
  BUMPGUARD_CACHE            cache for upstream reads (default .bumpguard/cache)
  BUMPGUARD_CONCURRENCY      jobs at once (default 1)
  BUMPGUARD_ENGINE_CONCURRENCY    builds on one engine at once across jobs (default 1;
                             BUMPGUARD_PLATFORM_CONCURRENCY is its old name)
  BUMPGUARD_ENGINES          JSON list of engines per platform, e.g. [{"name": "pi5",
                             "host": "ssh://pi@pi5.lan", "platforms": ["linux/arm64"]}]
                             (or BUMPGUARD_ENGINES_FILE; docs/builders.md)
  BUMPGUARD_REPO_BUILDERS    "warn" (default) or "refuse": builder addresses in a repo's
                             .bumpguard.yml (deprecated kind: remote/buildx)
  BUMPGUARD_RUNTIME_CONCURRENCY   platforms whose RAM runs and canaries run at once on one
                              engine, across jobs (default: cores; an engine's runtimeSlots)
  BUMPGUARD_BUILD_CACHE      BuildKit cache directory for buildx/buildctl builds (default: none)
  BUMPGUARD_BUILD_CACHE_MAX  its bound, oldest pruned first (default 10GiB)
  BUMPGUARD_SHUTDOWN_GRACE_MS     on SIGTERM, time running jobs get to finish before they are
                             cancelled and queued again for the next start (default 8000)
  BUMPGUARD_UNTRUSTED_NETWORK  what builds of PRs whose author cannot push may fetch on this
                             host's network: none (default), pull (images), all
  BUMPGUARD_CONTAINER_MEMORY, BUMPGUARD_CONTAINER_PIDS, BUMPGUARD_CONTAINER_USER
                             the cage of RAM runs and canaries (default 512m, 256, auto)
  GITHUB_TOKEN               optional, for upstream reads from GitHub
  APP_ID, PRIVATE_KEY (or PRIVATE_KEY_PATH), WEBHOOK_SECRET      the GitHub App
  GITEA_URL, GITEA_TOKEN, GITEA_WEBHOOK_SECRET, GITEA_BOT_LOGIN  Gitea
  LOG_LEVEL                  fatal|error|warn|info|debug|trace (default info)

Either forge may be left out; its route then answers 404.
`;

export interface ServeOptions {
  /**
   * Runs every job instead of the check, on no engine: no engine is probed at start (the load
   * bench and tests of the server process, through scripts/serve-noop.ts).
   */
  runJob?: BotOptions['runJob'];
}

export const serve: Command = (io) => serveWith({}, io);

export async function serveWith(o: ServeOptions, io: CliIo): Promise<number> {
  if (io.argv.includes('--help') || io.argv.includes('-h')) {
    io.stdout.write(SERVE_HELP);
    return EXIT.ok;
  }
  let env: ServerEnv;
  try {
    env = readServerEnv(io.env, (path) => readFileSync(path, 'utf8'));
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    for (const issue of err.issues) io.stderr.write(`bumpguard serve: ${issue.path}: ${issue.message}\n`);
    io.stderr.write('See .env.example and docs/github.md or docs/gitea.md.\n');
    return EXIT.error;
  }
  // JSON lines on the command's stdout (pipe through pino-pretty to read them).
  const log = createLogger({ level: env.logLevel, destination: io.stdout });
  // A locked database must not stall the webhook server: writes wait at most 200 ms for another process.
  const db = openDatabase(env.db, { busyTimeoutMs: 200 });
  // One serve per database: a second one would run every job and write every status twice.
  const stopped = new AbortController();
  io.signal.addEventListener('abort', () => stopped.abort(), { once: true });
  let lease: StoreLease;
  try {
    lease = new StoreLease(db, {
      onLost: () => {
        log.error({ db: env.db }, 'another bumpguard serve took this database over (this one stalled past the lease); stopping');
        stopped.abort();
      },
      onHeartbeatError: (err) => log.warn({ err }, 'lease heartbeat not written; trying again'),
    });
  } catch (err) {
    db.close();
    if (!(err instanceof LeaseHeldError)) throw err;
    io.stderr.write(`bumpguard serve: ${err.userMessage}\n`);
    return EXIT.error;
  }
  const store = new ResultStore(db);
  // Every tag and container is stamped with this process and this database: a sweep removes what
  // a killed process left, and nothing a running serve or CLI run still uses.
  const owner = processOwner({ database: databaseId(store) });
  if (o.runJob) log.warn('jobs run without the check (a load bench or a test)');
  const upstream = await createUpstream(env.upstream, {
    repo: 'tailscale/tailscale',
    cwd: io.cwd,
    cacheDir: env.cacheDir,
    ...(env.upstreamToken ? { token: env.upstreamToken } : {}),
  });
  const bot = createBot({
    ...(env.github ? { github: env.github } : {}),
    ...(env.gitea ? { gitea: env.gitea } : {}),
    log,
    // Imported on first use: the build stack is only needed once a bump arrives.
    runCheck: async () => (await import('../../jobs/index.ts')).runCheck,
    ports: {
      upstream,
      editRunner: localEditRunner(),
      store,
      now: () => new Date(),
      engines: { definitions: env.engines, repoBuilders: env.repoBuilders },
      sandbox: { ...env.sandbox, owner },
      buildCache: env.buildCache && new BuildCache(env.buildCache.dir, env.buildCache.maxBytes),
    },
    state: store,
    jobs: new JobStore(db),
    concurrency: env.concurrency,
    engineConcurrency: env.engineConcurrency,
    ...(env.runtimeConcurrency !== null ? { runtimeConcurrency: env.runtimeConcurrency } : {}),
    ...(o.runJob ? { runJob: o.runJob } : {}),
    hostPaths: serverHostPaths(env, io.cwd),
  });
  const addr = await bot.server.listen(env.port, env.host);
  const { requeued, failed } = bot.queue.recovered;
  log.info(
    {
      port: addr.port,
      host: addr.address,
      github: env.github !== null,
      gitea: env.gitea !== null,
      db: env.db,
      pid: process.pid,
      queued: bot.queue.counts.queued,
      requeued: requeued.length,
      gaveUp: failed.length,
    },
    'bumpguard serve listening',
  );
  const engineProbe = o.runJob ? Promise.resolve() : probeEngines(env.engines, log, io.signal);
  const sweeps = o.runJob ? Promise.resolve() : sweepHourly(env.engines, owner, log, stopped.signal);
  if (!stopped.signal.aborted) await once(stopped.signal, 'abort');
  await Promise.all([engineProbe, sweeps]);
  log.info(
    { graceMs: env.shutdownGraceMs, running: bot.queue.counts.running },
    'shutting down: new deliveries get 503, running jobs get the grace period',
  );
  const { finished, checkpointed } = await bot.shutdown(env.shutdownGraceMs);
  log.info(
    { finished, checkpointed, queued: bot.queue.store.countByState().queued },
    'stopped: checkpointed and queued jobs run at the next start',
  );
  lease.release();
  db.close();
  return EXIT.ok;
}

/**
 * Docker trouble (no engine, no access to its socket, an operator's engine that does not answer)
 * is logged at start, not at the first bump. Build-only entries (buildkit, buildx) are reached at
 * build time only.
 */
async function probeEngines(engines: EngineDefinition[], log: ReturnType<typeof createLogger>, signal: AbortSignal): Promise<void> {
  const docker = pickDockerBinary(process.env, existsSync);
  const targets = [null, ...engines.filter((e) => e.host !== undefined || e.context !== undefined)];
  await Promise.all(
    targets.map(async (def) => {
      const name = def?.name ?? LOCAL_ENGINE;
      try {
        const engine = await detectEngine({ signal, client: dockerClientFor(def, docker, process.env) });
        log.info(
          {
            engine: name,
            docker: engine.docker.file,
            version: engine.serverVersion,
            platform: engine.hostPlatform,
            platforms: def?.platforms,
          },
          'docker engine reachable',
        );
      } catch (err) {
        // Never rejects: nothing awaits it until shutdown, and the server serves either way.
        if (signal.aborted) return;
        if (err instanceof BuildError)
          log.error(
            { engine: name, reason: err.userMessage, detail: err.logTail },
            'docker engine unreachable: its platforms end in error until this is fixed',
          );
        else log.error({ err, engine: name }, 'docker engine probe failed');
      }
    }),
  );
}

/** The interval of the leftover sweep after the one at start: a killed instance that never comes back still has its leftovers removed. */
const SWEEP_EVERY_MS = 3600_000;

/**
 * Removes, at start and then hourly, what killed bumpguard processes left in every engine (image
 * tags, containers). An engine that does not answer is logged and swept at the next round.
 */
async function sweepHourly(engines: EngineDefinition[], owner: Owner, log: ReturnType<typeof createLogger>, signal: AbortSignal) {
  const docker = pickDockerBinary(process.env, existsSync);
  while (!signal.aborted) {
    for (const sweep of await sweepEngines(engines, owner, { docker, env: process.env, signal })) {
      if (signal.aborted) return;
      if ('error' in sweep) log.warn({ engine: sweep.engine, reason: sweep.error }, 'leftover sweep skipped: the engine did not answer');
      else if (sweep.outcome.removed.length > 0)
        log.warn(
          { engine: sweep.engine, removed: sweep.outcome.removed.map((r) => `${r.kind} ${r.ref}: ${r.why}`), kept: sweep.outcome.kept },
          'removed what killed bumpguard runs left in the engine',
        );
    }
    await sleep(SWEEP_EVERY_MS, undefined, { signal }).catch((err: unknown) => {
      // Aborted at shutdown: the loop ends at its condition.
      if (!signal.aborted) throw err;
    });
  }
}

/** A random id kept in the database itself: stable across restarts, different for every database. */
function databaseId(store: ResultStore): string {
  const key = 'serve-database-id';
  const known = store.getForgeId('(bumpguard)', key);
  if (known !== null) return known;
  const id = randomUUID();
  store.setForgeId('(bumpguard)', key, id);
  return id;
}
