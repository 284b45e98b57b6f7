// The sticky PR comment (and `bumpguard check`'s output): one markdown document, pure and
// deterministic — every time shown comes from the input. It must stay under the forge's
// comment limit (GitHub: 65,536 characters), so it degrades in a fixed order and says so:
// per-arch details, then top movers, then history, then finding details and list lengths.
import type { CheckResult } from '../model.ts';
import type { PolicyOutcome } from '../policy/index.ts';
import { moversByPlatform, type Mover } from './compute-movers.ts';
import { clip, escapeText, thousands } from './markdown.ts';
import { MARKER } from './marker.ts';
import { renderAccepted } from './render-accepted.ts';
import { renderCanaryTable } from './render-canary-table.ts';
import { renderFindings } from './render-findings.ts';
import { renderFooter } from './render-footer.ts';
import { renderHeader } from './render-header.ts';
import { renderHistory } from './render-history.ts';
import { renderPlatformDetails } from './render-platform-details.ts';
import { renderRamTable } from './render-ram-table.ts';
import { renderSizeTable } from './render-size-table.ts';
import { renderUpstream } from './render-upstream.ts';

export interface ReportOptions {
  /** Hard upper bound on the length; default 60,000. */
  maxChars?: number;
  /** List the slash commands in the footer (bot); false for the CLI. Default true. */
  commands?: boolean;
  /** Largest files / top movers per arch; default 10. */
  top?: number;
  /** Earlier bumps in the history; default 10. */
  historyLimit?: number;
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
}

function trimNote(ctx: Ctx, trim: Trim, hidden: number): string {
  const { result, outcome, top, historyLimit, movers: moverLists } = ctx;
  const cut: string[] = [];
  if (!trim.details && renderPlatformDetails(result.platforms, outcome, { full: true, movers: false, top, moverLists })) cut.push('per-arch layers, largest files and build logs');
  if (!trim.movers && renderPlatformDetails(result.platforms, outcome, { full: false, movers: true, top, moverLists })) cut.push('top movers');
  if (!trim.history && renderHistory(result, historyLimit)) cut.push('history');
  if (!trim.commits && (result.upstream?.commits.relevant ?? 0) > 0) cut.push('the upstream commit list');
  if (!trim.findingDetail && outcome.findings.some((f) => f.detail && f.kind !== 'build-failed' && f.kind !== 'no-baseline')) cut.push('finding details');
  if (hidden > 0) cut.push(`${hidden} findings beyond the first ${trim.perGroup} per severity`);
  if (cut.length === 0) return '';
  const limit = thousands(ctx.maxChars);
  return `> ✂️ **Trimmed** to stay under ${limit} characters: ${cut.join('; ')}. The full result is in \`bumpguard check --json\`.`;
}

function assemble(ctx: Ctx, trim: Trim): string {
  const { result, outcome, top } = ctx;
  const findings = renderFindings(outcome.findings, { perGroup: trim.perGroup, withDetail: trim.findingDetail, logsElsewhere: trim.details });
  const sections = [
    MARKER,
    renderHeader(result, outcome),
    trimNote(ctx, trim, findings.hidden),
    findings.text,
    renderAccepted(outcome),
    renderSizeTable(result, outcome, ctx.movers),
    renderRamTable(result, outcome),
    renderCanaryTable(result),
    renderUpstream(result.upstream, { full: trim.commits }),
    renderPlatformDetails(result.platforms, outcome, { full: trim.details, movers: trim.movers, top, moverLists: ctx.movers }),
    trim.history ? renderHistory(result, ctx.historyLimit) : '',
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
    text = [
      MARKER,
      renderHeader(ctx.result, ctx.outcome),
      note,
      open.slice(0, n).map((f) => `- ${escapeText(clip(f.message, 200))}`).join('\n'),
      renderFooter(ctx.commands),
    ].filter((s) => s !== '').join('\n\n') + '\n';
    if (text.length < ctx.maxChars) return text;
  }
  // A limit smaller than the header itself: cut, keeping the marker so the comment is still found.
  return `${text.slice(0, ctx.maxChars - 2)}…`;
}

/** The report markdown, starting with MARKER, always shorter than `maxChars`. */
export function renderReport(result: CheckResult, outcome: PolicyOutcome, opts: ReportOptions = {}): string {
  const top = opts.top ?? 10;
  const ctx: Ctx = {
    result, outcome,
    movers: moversByPlatform(result.platforms, top),
    maxChars: opts.maxChars ?? 60_000,
    commands: opts.commands ?? true,
    top,
    historyLimit: opts.historyLimit ?? 10,
  };
  for (const trim of LADDER) {
    const text = assemble(ctx, trim);
    if (text.length < ctx.maxChars) return text;
  }
  return minimal(ctx);
}
