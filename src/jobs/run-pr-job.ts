// The bot's job for one delivery, in numbered steps (the shape of release-drafter/release-drafter
// src/actions/drafter/main.ts). It decides nothing itself:
// guards, detector, policy and report are pure functions; the forge and runCheck are injected.
// Every write goes through Gate (skipped once a newer push is known); an error that escapes
// turns the gate to `error` with its user message — it is never left pending.
import type { Logger } from 'pino';
import {
  matchesTrigger,
  resolvePlatforms,
  renderApprovalWaiting,
  renderCommandFailed,
  renderJobError,
  renderNoLongerChecked,
  renderStaleCommand,
  renderUnchecked,
  renderUnknownPlatforms,
  userMessageOf,
  type BotJob,
  type Unchecked,
} from '../bot/index.ts';
import { detectBump, findTailscaleBumps } from '../bump/index.ts';
import { parseConfig, readConfigAt, type Config } from '../config/index.ts';
import {
  CancelledError,
  ConfigError,
  redactHostPaths,
  type Bump,
  type CheckResult,
  type Forge,
  type ForgeIdStore,
  type GateLedger,
  type HostPath,
  type OverrideStore,
  type PullRequest,
  type SourceTree,
} from '../core/index.ts';
import { decideVerdict, evaluatePolicy } from '../policy/index.ts';
import { buildCounts, clip, renderProgressSummary, renderReport, renderSummary } from '../report/index.ts';
import { judgeSnapshot } from './run-check.ts';
import { createForgeSourceTree } from '../repo/index.ts';
import { Gate, InterimReports, type Timers } from './gate.ts';
import type { HeadTracker } from './queue-state.ts';
import {
  authorTrust,
  coversHead,
  isApproved,
  recordApproval,
  triageEvent,
  verifyCommand,
  type PrJobOutcome,
  type RunPlan,
} from './triage-event.ts';
import type { CheckPorts, RunCheck } from './types.ts';

export interface PrJobDeps {
  /** Bound to the job's repository. */
  forge: Forge;
  runCheck: RunCheck;
  /** What runCheck needs besides the source, config and signal. */
  ports: Pick<CheckPorts, 'upstream' | 'editRunner' | 'store' | 'now' | 'slots' | 'runtime' | 'buildCache' | 'engines' | 'sandbox'>;
  /** Notes each gate state written (restart reconcile); none in plain tests. */
  ledger?: GateLedger;
  state: OverrideStore & ForgeIdStore;
  heads: HeadTracker;
  log: Logger;
  /** Aborted when a newer push supersedes this job or the server shuts down. */
  signal: AbortSignal;
  /** Parent directory of source checkouts (default: the OS temp dir). */
  workspace?: string;
  /** The bot host's directories and engine addresses, shown on the PR as placeholders. */
  hostPaths?: readonly HostPath[];
  /** Paces the reports written before the verdict (tests step it; default: the real clock). */
  timers?: Timers;
}

interface Ctx {
  job: BotJob;
  deps: PrJobDeps;
  log: Logger;
  /** Set once the PR is known to be ours to judge: from then on errors are reported on the PR. */
  gate: Gate | null;
  headSha: string | null;
}

export async function runPrJob(delivered: BotJob, deps: PrJobDeps): Promise<PrJobOutcome> {
  let job = delivered;
  const log = deps.log.child({ delivery: job.deliveryId, repo: job.repo, pr: job.event.pr, event: job.event.type });
  const ctx: Ctx = { job, deps, log, gate: null, headSha: null };
  let outcome: PrJobOutcome;
  try {
    // 0. A command is what the forge's API says the comment says, by whom it says.
    if (job.event.type === 'command') {
      const verified = await verifyCommand(job.event, deps.forge);
      if ('status' in verified) return done(log, verified);
      if (verified.sender.login !== job.event.sender.login)
        log.warn(
          { delivered: job.event.sender.login, author: verified.sender.login },
          'delivery names another comment author than the forge; acting on the forge',
        );
      ctx.job = job = { ...job, event: verified };
    }
    // 1. Who asked for what (commands: permission, help, reactions).
    const triaged = await triageEvent(job.event, deps.forge, log);
    if ('status' in triaged) return done(log, triaged);
    outcome = await checkPullRequest(ctx, triaged);
  } catch (err) {
    outcome = await failed(ctx, err);
  }
  // A command's comment got 👀 when picked up; it ends with 🚀 or 😕.
  if (job.event.type === 'command' && outcome.status !== 'superseded') {
    const ok = outcome.status === 'done' || outcome.status === 'waiting-approval';
    const commentId = job.event.commentId;
    await deps.forge.react(commentId, ok ? 'rocket' : 'confused').catch((err: unknown) => {
      log.warn({ err }, 'reaction not added; the result is in the comment');
    });
  }
  return done(log, outcome);
}

async function checkPullRequest(ctx: Ctx, plan: RunPlan): Promise<PrJobOutcome> {
  const { job, deps, log } = ctx;
  const { forge } = deps;
  // 2. The PR as it is now; an event for an older head is left to the newer one's job.
  const pr = await forge.getPullRequest(job.event.pr);
  if (pr.state !== 'open') return { status: 'ignored', reason: `the pull request is ${pr.state}` };
  if (job.event.type !== 'command' && job.event.headSha !== pr.head.sha)
    return { status: 'superseded', reason: `head moved on to ${pr.head.sha}` };
  ctx.headSha = pr.head.sha;
  // Every open PR gets the gate (a required check must never wait for a bot that has nothing to
  // say), so from here on an error is reported on the PR too.
  const gate = new Gate({
    forge,
    heads: deps.heads,
    ids: deps.state,
    pr: pr.number,
    sha: pr.head.sha,
    prUrl: pr.url,
    signal: deps.signal,
    log,
    ledger: deps.ledger,
    hostPaths: deps.hostPaths,
  });
  ctx.gate = gate;
  // 3. The repository through the forge: files by API, the PR's diff, trees for builds.
  const source = createForgeSourceTree({
    forge,
    pr: { number: pr.number, baseSha: pr.base.sha, headSha: pr.head.sha },
    signal: deps.signal,
    ...(deps.workspace ? { workspace: deps.workspace } : {}),
  });
  try {
    return await judgePullRequest(ctx, plan, pr, source, gate);
  } finally {
    await source.dispose();
  }
}

async function judgePullRequest(ctx: Ctx, plan: RunPlan, pr: PullRequest, source: SourceTree, gate: Gate): Promise<PrJobOutcome> {
  const { job, deps, log } = ctx;
  const { forge } = deps;
  // 4. Config from the base commit. An invalid one is the verdict `error`, fields listed, for a
  //    PR that bumps Tailscale; a PR that does not is still waved through.
  let config: Config;
  try {
    const read = await readConfigAt(source, pr.base.sha);
    log.info({ source: read.source }, 'config read');
    config = read.config;
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    const bumps = findTailscaleBumps(await source.diff(pr.base.sha, pr.head.sha));
    if (bumps.length === 0 && !plan.requested) return passUnchecked(gate, pr, 'not-a-bump', ctx.log);
    return reportConfigInvalid(ctx, pr, bumps[0] ?? null, err);
  }
  // 5. The one bump decision of this job: it feeds the audit and every build below. The diff is
  //    the truth, not the title; an unreadable diff throws and is reported (answering "no bump"
  //    would wave the PR through).
  const decision = await detectBump(source, pr.base.sha, pr.head.sha, config);
  if (!decision.bump && !decision.ambiguous && !plan.requested) return passUnchecked(gate, pr, 'not-a-bump', ctx.log);
  // 6. Guards: trigger settings for runs nobody asked for; untrusted code (a fork, or an author
  //    who cannot push here) is built only at a head a maintainer approved (/rebuild, Re-run,
  //    Rebuild button).
  if (!plan.requested && !matchesTrigger(pr, config.trigger)) return passUnchecked(gate, pr, 'not-triggered', ctx.log);
  const trust = plan.auditOnly ? null : await authorTrust(forge, pr);
  if (trust !== null && !trust.trusted) {
    const approval = approve(ctx, plan, pr);
    if (approval === 'stale') return answerStale(ctx, pr, '/rebuild');
    if (approval === 'waiting') {
      const body = renderApprovalWaiting(pr.head.sha, trust.why);
      await gate.comment(body);
      await gate.status(
        'pending',
        `Waiting for a maintainer: comment /rebuild to build this ${trust.why === 'fork' ? 'fork ' : ''}PR`,
        body,
        { awaiting: true },
      );
      return {
        status: 'waiting-approval',
        reason: `${trust.why === 'fork' ? 'fork PR' : `${pr.author} lacks write access`}: a maintainer must comment /rebuild`,
      };
    }
  }
  const platforms = resolvePlatforms(plan.platforms, config.platforms);
  if (platforms.unknown.length > 0) {
    await forge.reply(pr.number, renderUnknownPlatforms(platforms.unknown, config.platforms));
    return { status: 'answered', reason: `unknown platforms ${platforms.unknown.join(', ')}` };
  }
  // 7. An /accept is stored for the head it was written against only, then the check re-evaluates with it.
  if (plan.accept) {
    if (!coversHead(plan, headContext(ctx, pr))) return answerStale(ctx, pr, '/accept');
    deps.state.addOverride(job.repo, pr.number, { ...plan.accept, by: plan.by, at: deps.ports.now().toISOString(), headSha: pr.head.sha });
  }
  // 8. The gate goes pending before any slow work.
  const what = decision.bump ? `tailscale ${decision.bump.from} → ${decision.bump.to}` : 'this pull request';
  await gate.status('pending', `Checking ${what}…`, `bumpguard is checking ${what} at ${pr.head.sha}.`);
  // 9. Audit, builds, measurements, canaries; the audit and each settled platform reach the PR
  //    before the verdict (at most one edit per interval).
  const interim = interimReports(ctx, gate, pr, config);
  let result: CheckResult;
  try {
    result = await deps.runCheck(
      {
        repo: job.repo,
        base: pr.base,
        head: pr.head,
        bump: decision,
        ...(platforms.platforms.length > 0 ? { platforms: platforms.platforms } : {}),
        noCache: plan.noCache,
        auditOnly: plan.auditOnly,
        // An approved build of untrusted code still must not fetch from the bot's network or show raw logs.
        untrustedHead: trust !== null && !trust.trusted,
      },
      {
        ...deps.ports,
        source,
        config,
        signal: deps.signal,
        ...(plan.auditOnly ? {} : { onSnapshot: (s) => interim.update(s) }),
        // The operator's log gets the raw tail the comment does not show (redacted, or summarised for untrusted code).
        onBuildFailed: (f) =>
          log.warn({ platform: f.platform, side: f.side, sha: f.sha, code: f.code, reason: f.message, logTail: f.logTail }, 'build failed'),
      },
    );
  } finally {
    await interim.settle();
  }
  // 10. Judge, render, write: comment first so the status can link to it.
  const judged: CheckResult = { ...result, overrides: deps.state.listOverrides(job.repo, pr.number, pr.head.sha) };
  const policy = evaluatePolicy(judged, config);
  const body = renderReport(judged, policy, { maxChars: forge.limits.commentChars });
  await gate.comment(body);
  const wrote = await gate.status(policy.verdict, renderSummary(policy), body);
  if (!wrote) return { status: 'superseded', reason: 'a newer head arrived during the run' };
  return { status: 'done', reason: policy.reason, verdict: policy.verdict };
}

/**
 * A PR the bot has nothing to say about passes at once: one gate write, no build. No comment either,
 * unless it carries one of an earlier head (a bump a push took out): that one says it no longer applies.
 */
async function passUnchecked(gate: Gate, pr: PullRequest, why: Unchecked, log: Logger): Promise<PrJobOutcome> {
  // The old report first, so the gate's details link points at the note; a forge that will not
  // edit it costs a warning, never this pass.
  await gate.retireComment(renderNoLongerChecked(why, pr.head.sha)).catch((err: unknown) => {
    if (gate.superseded) throw err;
    log.warn({ err }, 'the earlier report was not marked as no longer applying');
  });
  const text = renderUnchecked(why, pr.head.sha);
  const { verdict, reason } = decideVerdict([], { nothingToCheck: text.title });
  const wrote = await gate.status(verdict, reason, text.summary);
  if (!wrote) return { status: 'superseded', reason: 'a newer head arrived' };
  return { status: 'done', reason, verdict };
}

/** A maintainer's build request approves the head it was written against; later commands on that head reuse it. */
function approve(ctx: Ctx, plan: RunPlan, pr: PullRequest): 'approved' | 'waiting' | 'stale' {
  const { state } = ctx.deps;
  if (plan.approves) {
    if (!coversHead(plan, headContext(ctx, pr))) return 'stale';
    recordApproval(state, ctx.job.repo, pr.head.sha, plan.by);
    return 'approved';
  }
  return isApproved(state, ctx.job.repo, pr.head.sha) ? 'approved' : 'waiting';
}

function headContext(ctx: Ctx, pr: PullRequest) {
  return { forge: ctx.deps.forge, repo: ctx.job.repo, pr, heads: ctx.deps.heads, now: ctx.deps.ports.now, ledger: ctx.deps.ledger };
}

async function answerStale(ctx: Ctx, pr: PullRequest, command: string): Promise<PrJobOutcome> {
  await ctx.deps.forge.reply(pr.number, renderStaleCommand(command, pr.head.sha));
  return { status: 'refused', reason: `${command} was written before head ${pr.head.sha} arrived` };
}

/** The report as far as the check has got, judged like the final one, written through the gate. */
function interimReports(ctx: Ctx, gate: Gate, pr: PullRequest, config: Config): InterimReports {
  const { deps, job } = ctx;
  return new InterimReports({
    ...(deps.timers ? { timers: deps.timers } : {}),
    write: async (snapshot) => {
      const { done, total } = buildCounts(snapshot.progress);
      // The last side settled: the verdict follows at once, an interim edit would only be noise.
      if (done === total) return;
      const result = { ...snapshot.result, overrides: deps.state.listOverrides(job.repo, pr.number, pr.head.sha) };
      const outcome = judgeSnapshot({ ...snapshot, result }, config);
      const body = renderReport(result, outcome, { maxChars: deps.forge.limits.commentChars, progress: snapshot.progress });
      await gate.interim(body, renderProgressSummary(outcome, snapshot.progress));
    },
  });
}

/** Invalid `.bumpguard.yml`: a report whose findings name each bad field, gate `error`. */
async function reportConfigInvalid(ctx: Ctx, pr: PullRequest, bump: Bump | null, error: ConfigError): Promise<PrJobOutcome> {
  const gate = ctx.gate as Gate;
  const result: CheckResult = {
    repo: ctx.job.repo,
    bump,
    baseRef: pr.base.ref,
    headRef: pr.head.ref,
    headSha: pr.head.sha,
    baseSha: pr.base.sha,
    findings: error.issues.map((i) => ({
      severity: 'blocker',
      kind: 'config-invalid',
      features: [],
      introduced: false,
      acknowledged: false,
      message: `.bumpguard.yml on ${pr.base.ref}: ${i.path}: ${i.message}`,
    })),
    platforms: [],
    builds: { ran: 0, reused: 0 },
    overrides: [],
    history: [],
    durationMs: 0,
    finishedAt: ctx.deps.ports.now().toISOString(),
  };
  const policy = evaluatePolicy(result, parseConfig(null));
  const body = renderReport(result, policy, { maxChars: ctx.deps.forge.limits.commentChars });
  await gate.comment(body);
  await gate.status(policy.verdict, renderSummary(policy), body);
  return { status: 'done', reason: error.userMessage, verdict: policy.verdict };
}

/** An error escaped: say so on the PR (comment + gate `error`) unless a newer push took over. */
async function failed(ctx: Ctx, err: unknown): Promise<PrJobOutcome> {
  const { log, gate } = ctx;
  if (err instanceof CancelledError || gate?.superseded || ctx.deps.signal.aborted) {
    return { status: 'superseded', reason: 'cancelled: a newer push or shutdown' };
  }
  log.error({ err }, 'job failed');
  if (gate === null || ctx.headSha === null) {
    // Not yet known to be a bump PR: no gate to set. A maintainer's command still gets an answer.
    const event = ctx.job.event;
    if (event.type === 'command') {
      const reply = redactHostPaths(renderCommandFailed(`/${event.command.name}`, err), ctx.deps.hostPaths ?? []);
      await ctx.deps.forge.reply(event.pr, reply).catch((replyErr: unknown) => {
        log.error({ err: replyErr }, 'could not tell the maintainer that the command failed');
      });
    }
    return { status: 'error', reason: userMessageOf(err) };
  }
  // The gate matters more than the comment: a failed comment write must not leave it pending.
  const body = renderJobError(err, ctx.headSha);
  await gate
    .comment(body)
    .catch((writeErr: unknown) => log.error({ err: writeErr }, 'could not post the error comment; setting the gate anyway'));
  try {
    await gate.status('error', clip(`Error: ${userMessageOf(err)}`, 139), body);
  } catch (writeErr) {
    // The queue settles gates left pending when the job ends, and again after a restart.
    log.error({ err: writeErr }, 'could not set the gate to error');
  }
  return { status: 'error', reason: userMessageOf(err), verdict: 'error' };
}

function done(log: Logger, outcome: PrJobOutcome): PrJobOutcome {
  log.info({ status: outcome.status, verdict: outcome.verdict }, outcome.reason);
  return outcome;
}
