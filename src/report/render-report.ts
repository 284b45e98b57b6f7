// The sticky PR comment (and `bumpguard check`'s output): one markdown document, pure and
// deterministic — every time shown comes from the input. It must stay under the forge's
// comment limit (GitHub: 65,536 characters), so it degrades in a fixed order and says so:
// per-arch details, then top movers, then history, then finding details and list lengths.

import { formatBytes, METRIC_LABELS, shortSha, type CheckProgress, type CheckResult, type Finding, type Verdict } from '../core/index.ts';
import { ACCEPT_KINDS, groupOfFinding, type FindingGroup, type PolicyOutcome } from '../policy/index.ts';
import { renderHistory, renderPlatformDetails, renderUpstream } from './details.ts';
import { renderAccepted, renderFindings } from './findings.ts';
import { clip, code, escapeText, formatDuration, formatTime, MARKER, thousands } from './markdown.ts';
import { deltaText, moversByPlatform, renderCanaryTable, renderRamTable, renderSizeTable, type Mover } from './tables.ts';

export interface ReportOptions {
  /** Hard upper bound on the length; default 60,000. */
  maxChars?: number;
  /** List the slash commands in the footer (bot); false for the CLI. Default true. */
  commands?: boolean;
  /** Largest files / top movers per arch; default 10. */
  top?: number;
  /** Earlier bumps in the history; default 10. */
  historyLimit?: number;
  /**
   * The check is still running: a report for the PR before the verdict. Platforms not settled
   * show their stage; `outcome` judges the audit and the settled platforms only.
   */
  progress?: CheckProgress;
}

interface Trim {
  details: boolean;
  /** The upstream commit list (the source edits stay). */
  commits: boolean;
  movers: boolean;
  history: boolean;
  findingDetail: boolean;
  perGroup: number | null;
}

const FULL: Trim = { details: true, commits: true, movers: true, history: true, findingDetail: true, perGroup: null };
const SHORT: Trim = { details: false, commits: false, movers: false, history: false, findingDetail: false, perGroup: null };

/** Each step trims more; the first that fits wins. */
const LADDER: Trim[] = [
  FULL,
  { ...FULL, details: false },
  { ...FULL, details: false, movers: false },
  { ...FULL, details: false, movers: false, history: false },
  { ...FULL, details: false, movers: false, history: false, commits: false },
  SHORT,
  ...[50, 20, 10, 5, 1].map((perGroup) => ({ ...SHORT, perGroup })),
];

interface Ctx {
  result: CheckResult;
  outcome: PolicyOutcome;
  /** Top movers per platform, computed once for every section that shows them. */
  movers: ReadonlyMap<string, Mover[]>;
  maxChars: number;
  commands: boolean;
  top: number;
  historyLimit: number;
  progress: CheckProgress | undefined;
}

function trimNote(ctx: Ctx, trim: Trim, hidden: number): string {
  const { result, outcome, top, historyLimit, movers: moverLists } = ctx;
  const cut: string[] = [];
  // A report in progress shows no details or history, so trimming cannot have cut them.
  const shown = ctx.progress === undefined;
  if (shown && !trim.details && renderPlatformDetails(result.platforms, outcome, { full: true, movers: false, top, moverLists }))
    cut.push('per-arch layers, largest files and build logs');
  if (shown && !trim.movers && renderPlatformDetails(result.platforms, outcome, { full: false, movers: true, top, moverLists }))
    cut.push('top movers');
  if (shown && !trim.history && renderHistory(result, historyLimit)) cut.push('history');
  if (!trim.commits && (result.upstream?.commits.relevant ?? 0) > 0) cut.push('the upstream commit list');
  if (!trim.findingDetail && outcome.findings.some((f) => f.detail && f.kind !== 'build-failed' && f.kind !== 'no-baseline'))
    cut.push('finding details');
  if (hidden > 0) cut.push(`${hidden} findings beyond the first ${trim.perGroup} per severity`);
  if (cut.length === 0) return '';
  const limit = thousands(ctx.maxChars);
  return `> ✂️ **Trimmed** to stay under ${limit} characters: ${cut.join('; ')}. The full result is in \`bumpguard check --json\`.`;
}

function assemble(ctx: Ctx, trim: Trim): string {
  const { result, outcome, top, progress } = ctx;
  const findings = renderFindings(outcome.findings, {
    perGroup: trim.perGroup,
    withDetail: trim.findingDetail,
    logsElsewhere: trim.details,
    commands: ctx.commands,
  });
  const sections = [
    MARKER,
    progress ? renderProgressHeader(result, outcome, progress) : renderHeader(result, outcome),
    trimNote(ctx, trim, findings.hidden),
    findings.text,
    renderAccepted(outcome),
    renderSizeTable(result, outcome, ctx.movers, progress),
    renderRamTable(result, outcome, progress),
    renderCanaryTable(result, progress),
    renderUpstream(result.upstream, { full: trim.commits }),
    // Details and the history come with the verdict (the history is recorded when the check ends).
    progress
      ? ''
      : renderPlatformDetails(result.platforms, outcome, { full: trim.details, movers: trim.movers, top, moverLists: ctx.movers }),
    trim.history && !progress ? renderHistory(result, ctx.historyLimit) : '',
    renderFooter(ctx.commands),
  ];
  return `${sections.filter((s) => s !== '').join('\n\n')}\n`;
}

/** Last resort when even one finding per severity does not fit: verdict, reason and the first blockers. */
function minimal(ctx: Ctx): string {
  const open = ctx.outcome.findings.filter((f) => f.severity === 'blocker' && !f.acknowledged);
  const note = `> ✂️ **Trimmed**: the report does not fit in ${thousands(ctx.maxChars)} characters; only the verdict and the first blockers are shown. The full result is in \`bumpguard check --json\`.`;
  let text = '';
  for (const n of [5, 3, 1, 0]) {
    text =
      [
        MARKER,
        renderHeader(ctx.result, ctx.outcome),
        note,
        open
          .slice(0, n)
          .map((f) => `- ${escapeText(clip(f.message, 200))}`)
          .join('\n'),
        renderFooter(ctx.commands),
      ]
        .filter((s) => s !== '')
        .join('\n\n') + '\n';
    if (text.length < ctx.maxChars) return text;
  }
  // A limit smaller than the header itself: cut, keeping the marker so the comment is still found.
  return `${text.slice(0, ctx.maxChars - 2)}…`;
}

/** The report markdown, starting with MARKER, always shorter than `maxChars`. */
export function renderReport(result: CheckResult, outcome: PolicyOutcome, opts: ReportOptions = {}): string {
  const top = opts.top ?? 10;
  const ctx: Ctx = {
    result,
    outcome,
    movers: moversByPlatform(result.platforms, top),
    maxChars: opts.maxChars ?? 60_000,
    commands: opts.commands ?? true,
    top,
    historyLimit: opts.historyLimit ?? 10,
    progress: opts.progress,
  };
  for (const trim of LADDER) {
    const text = assemble(ctx, trim);
    if (text.length < ctx.maxChars) return text;
  }
  return minimal(ctx);
}

// Title line (verdict + bump), counts and run facts, and the one-sentence reason.
export const VERDICT_LABELS = {
  success: { emoji: '✅', word: 'passed' },
  failure: { emoji: '❌', word: 'failed' },
  neutral: { emoji: '⚪', word: 'not judged' },
  error: { emoji: '🛑', word: 'error' },
} as const satisfies Record<Verdict, { emoji: string; word: string }>;

export function plural(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}

/** "tailscale v1.98.5 → v1.98.8 (patch)" or a plain statement when no bump was found. */
export function bumpTitle(result: CheckResult): string {
  const b = result.bump;
  return b ? `tailscale ${b.from} → ${b.to} (${b.type})` : 'no Tailscale bump in this PR';
}

/** "1 blocker · 2 warnings · 1 accepted" (zero counts left out; "no findings" when all are zero). */
export function countsText(outcome: PolicyOutcome, bold = true): string {
  const c = outcome.counts;
  const parts: string[] = [];
  const b = (s: string) => (bold ? `**${s}**` : s);
  if (c.infrastructure) parts.push(b(plural(c.infrastructure, 'infrastructure problem')));
  if (c.blockers) parts.push(b(plural(c.blockers, 'blocker')));
  if (c.warnings) parts.push(plural(c.warnings, 'warning'));
  if (c.infos) parts.push(`${c.infos} info`);
  if (c.acknowledged) parts.push(`${c.acknowledged} accepted`);
  return parts.length ? parts.join(' · ') : 'no findings';
}

function renderHeader(result: CheckResult, outcome: PolicyOutcome): string {
  const v = VERDICT_LABELS[outcome.verdict];
  const builds = `${plural(result.builds.ran, 'build')} ran, ${result.builds.reused} reused`;
  const facts = [
    countsText(outcome),
    `head ${code(shortSha(result.headSha))} (${code(result.headRef)} → ${code(result.baseRef)})`,
    builds,
    `${formatDuration(result.durationMs)}, finished ${formatTime(result.finishedAt)}`,
  ];
  return [
    `## ${v.emoji} bumpguard ${v.word}: ${escapeText(bumpTitle(result))}`,
    facts.join(' · '),
    `> ${escapeText(clip(outcome.reason, 300))}`,
  ].join('\n\n');
}

// One line for a Gitea commit-status description (< 140 chars) or a GitHub check-run title.
/** Gitea truncates longer status descriptions; GitHub titles read best short too. */
export const SUMMARY_MAX = 139;

function largestGrowth(outcome: PolicyOutcome): string {
  const growth = outcome.comparisons
    .filter((c) => c.metric === 'image' && c.deltaBytes !== null)
    .sort((a, b) => b.deltaBytes! - a.deltaBytes!)[0];
  if (!growth) return '';
  return `largest ${METRIC_LABELS.image} Δ: ${growth.platform} ${deltaText(growth).replace(/^\S+ /, '')} → ${formatBytes(growth.head)}`;
}

function lead(outcome: PolicyOutcome): string {
  const open = outcome.findings.filter((f) => !f.acknowledged);
  switch (outcome.verdict) {
    case 'failure':
      return open.find((f) => f.severity === 'blocker')?.message ?? outcome.reason;
    case 'neutral':
      return open.find((f) => f.kind === 'no-baseline')?.message ?? outcome.reason;
    case 'error':
      return outcome.reason;
    case 'success':
      return largestGrowth(outcome);
  }
}

/** "failed: 2 blockers · 1 warning — linux/arm64 compressed image grew +298.5 KiB (+8.2%), over …" */
export function renderSummary(outcome: PolicyOutcome, maxChars = SUMMARY_MAX): string {
  const head = `${VERDICT_LABELS[outcome.verdict].word}: ${countsText(outcome, false)}`;
  const tail = lead(outcome);
  return clip(tail ? `${head} — ${tail}` : head, maxChars);
}

// A report written while the check still runs: the header says so and counts the builds, and
// each platform not settled yet shows where it is (`queued`, `building…`, `measuring…`) instead
// of figures. The status line reads "audit: 2 blockers · builds 3/6".
/** Sides settled (measured, reused or failed) and all sides. */
export function buildCounts(progress: CheckProgress): { done: number; total: number } {
  const all = Object.values(progress.stages).flatMap((s) => [s.base, s.head]);
  return { done: all.filter((s) => s === 'done').length, total: all.length };
}

/** "1 infrastructure problem, 2 blockers, 1 warning", "no findings": unacknowledged findings only, most severe first. */
function tally(findings: Finding[]): string {
  const open = findings.filter((f) => !f.acknowledged);
  const count = (group: FindingGroup) => open.filter((f) => groupOfFinding(f) === group).length;
  const parts = [
    plural(count('infrastructure'), 'infrastructure problem'),
    plural(count('blocker'), 'blocker'),
    plural(count('warning'), 'warning'),
  ].filter((p) => !p.startsWith('0 '));
  return parts.length ? parts.join(', ') : 'no findings';
}

/** Findings of the audit (no platform) and those the settled platforms added so far. */
function split(outcome: PolicyOutcome): { audit: Finding[]; measured: Finding[] } {
  return {
    audit: outcome.findings.filter((f) => f.platform === undefined),
    measured: outcome.findings.filter((f) => f.platform !== undefined),
  };
}

/** "audit: 2 blockers · builds 3/6 · measured so far: 1 blocker" (Gitea status description, GitHub check title). */
export function renderProgressSummary(outcome: PolicyOutcome, progress: CheckProgress, maxChars = SUMMARY_MAX): string {
  const { done, total } = buildCounts(progress);
  const { audit, measured } = split(outcome);
  const so = tally(measured);
  return clip(`audit: ${tally(audit)} · builds ${done}/${total}${so === 'no findings' ? '' : ` · measured so far: ${so}`}`, maxChars);
}

/** The header of a report written before the verdict. */
function renderProgressHeader(result: CheckResult, outcome: PolicyOutcome, progress: CheckProgress): string {
  const { done, total } = buildCounts(progress);
  const { audit } = split(outcome);
  const blockers = audit.filter((f) => groupOfFinding(f) === 'blocker' && !f.acknowledged).length;
  const facts = [
    `audit: ${audit.some((f) => f.severity === 'blocker' && !f.acknowledged) ? `**${tally(audit)}**` : tally(audit)}`,
    `builds ${done}/${total}`,
    `head ${code(shortSha(result.headSha))} (${code(result.headRef)} → ${code(result.baseRef)})`,
    `running for ${formatDuration(result.durationMs)}`,
  ];
  const reason = blockers
    ? `The audit found ${plural(blockers, 'blocker')}: this change cannot pass unless ${blockers === 1 ? 'it is' : 'they are'} fixed or accepted, whatever the builds show. Sizes, RAM and canaries follow as each platform finishes.`
    : 'Sizes, RAM and canaries follow as each platform finishes; the verdict comes with the last one.';
  return [`## ⏳ bumpguard checking: ${escapeText(bumpTitle(result))}`, facts.join(' · '), `> ${escapeText(clip(reason, 300))}`].join(
    '\n\n',
  );
}

// The command list (bot) or a pointer to the structured output (CLI).
function renderFooter(commands: boolean): string {
  const body = commands
    ? `Commands: \`/rebuild [arch…]\` · \`/audit\` · \`/accept <${ACCEPT_KINDS.join('|')}> <reason>\` · \`/help\``
    : 'Full structured result: `bumpguard check --json`';
  return `---\n<sub>${body} · bumpguard</sub>`;
}
