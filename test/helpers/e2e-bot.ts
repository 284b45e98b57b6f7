// Start the real bot (HTTP server → queue → runPrJob) on 127.0.0.1 with a random port, an
// injected runCheck and in-memory state; send signed deliveries to it; record the forge API
// calls nock answers, in order.
import { after } from 'node:test';
import type nock from 'nock';
import { pino } from 'pino';
import type { BotJob } from '../../src/bot/index.ts';
import { InMemoryJobState } from '../../src/store/index.ts';
import type { PrJobOutcome, RunCheck } from '../../src/jobs/index.ts';
import { createBot, type Bot, type BotOptions } from '../../src/server/index.ts';

export interface RunningBot {
  bot: Bot;
  url: string;
  outcomes: { job: BotJob; outcome: PrJobOutcome }[];
  /** Forge API calls in the order nock answered them: "POST /api/v1/…". */
  calls: string[];
}

/** `jobs`: a durable store shared with a later startBot (restart tests); default in memory. */
export async function startBot(
  opts: Pick<BotOptions, 'github' | 'gitea' | 'jobs' | 'concurrency' | 'bodyLimitBytes'> & {
    runCheck: RunCheck;
    /** The bot's clock (default: fixed at 2025-06-13T08:00:00Z). */
    now?: () => Date;
    upstream?: BotOptions['ports']['upstream'];
    sandbox?: BotOptions['ports']['sandbox'];
  },
): Promise<RunningBot> {
  const outcomes: RunningBot['outcomes'] = [];
  const bot = createBot({
    ...opts,
    log: pino({ level: process.env.LOG_LEVEL ?? 'silent' }),
    runCheck: async () => opts.runCheck,
    ports: {
      upstream: opts.upstream ?? { describe: 'not used by the fake check', readFile: async () => null },
      store: null,
      now: opts.now ?? (() => new Date('2025-06-13T08:00:00Z')),
      ...(opts.sandbox ? { sandbox: opts.sandbox } : {}),
    },
    state: new InMemoryJobState(),
    onJobDone: (job, outcome) => outcomes.push({ job, outcome }),
  });
  const addr = await bot.server.listen(0, '127.0.0.1');
  after(() => bot.close());
  return { bot, url: `http://127.0.0.1:${addr.port}`, outcomes, calls: [] };
}

/** Record every request the scope answers into `calls`. */
export function recorded(scope: nock.Scope, calls: string[]): nock.Scope {
  scope.on('request', (req: Request) => {
    const u = new URL(req.url);
    calls.push(`${req.method} ${u.pathname}${u.search}`);
  });
  return scope;
}

export async function deliver(
  url: string,
  body: string | Buffer,
  headers: Record<string, string>,
): Promise<{ status: number; text: string }> {
  const res = await fetch(url, {
    method: 'POST',
    body: typeof body === 'string' ? body : new Uint8Array(body),
    headers: { 'content-type': 'application/json', ...headers },
  });
  return { status: res.status, text: await res.text() };
}
