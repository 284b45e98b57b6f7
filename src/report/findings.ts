// Findings grouped by severity, then by kind, each kind with one line on why it matters.
// Acknowledged findings are not here: renderAccepted (below) lists them with who and why.

import { shortSha, type Finding, type FindingKind } from '../core/index.ts';
import { groupOfFinding, type FindingGroup, type PolicyOutcome } from '../policy/index.ts';
import { clip, code, escapeText, fence, formatTime, tail } from './markdown.ts';

/** Why each kind matters, in the order kinds are listed (most actionable first). */
const KIND_NOTES = {
  'config-invalid':
    '.bumpguard.yml on the base branch is invalid or does not fit the repository; nothing else in this run can be trusted until it is fixed there.',
  'infra-error':
    'Part of the check could not run for a reason outside this change (Docker, a builder, the forge, the upstream source), so nothing was judged there: the gate shows `error`, not a failure of this pull request.',
  'build-failed': 'The image did not build for this platform, so nothing was measured there.',
  'no-baseline':
    'The base could not be measured, so the head was not compared with anything. It blocks until the base builds again, or a maintainer answers `/accept size <reason>`.',
  'elf-mismatch': 'A binary in the image is built for another CPU; it will not start on the router.',
  'missing-dep':
    'An opted-in feature depends on a feature the recipe omits. The image builds, but the feature breaks at runtime (the exit-node DNS SERVFAIL incident: peerapiserver was omitted).',
  'canary-failed': 'A runtime check from .bumpguard.yml failed against the built image.',
  threshold: 'A size or memory figure grew past a configured level (both the bytes and the percent must be exceeded).',
  'unknown-feature':
    'The recipe opts in a feature this Tailscale version does not have; its sed strip matches nothing, so the feature you wanted is silently left out.',
  'patch-unknown-feature':
    "A patch file's //go:build line names a feature this version does not have; the patch silently stops compiling in.",
  'patch-stale':
    'A source edit the build makes to upstream no longer takes effect (a sed that matches nothing, a patch that no longer applies, a package that is gone). The build still succeeds; what the edit fixed comes back on the router.',
  'patch-drift': 'A sed edit of upstream source now changes a different number of lines: check it still edits what it should.',
  'patch-unevaluated': 'A source edit bumpguard could not replay; the reason is given. Check it by hand.',
  'noop-strip': 'A sed strip matches nothing in the `--min` tag list, so it has no effect.',
  'recipe-unreadable': 'The recipe could not be fully parsed; the audit used what it could read.',
  'deps-changed': 'Upstream changed the dependencies of a feature the image uses.',
  'watched-symbol-changed':
    'An upstream symbol listed under `watch:` changed between the two versions (code you patched or worked around).',
  'features-added': 'New upstream features; `--min` omits them unless the recipe opts in.',
  'features-removed': 'Features upstream removed in this version.',
  'stale-acknowledgment': 'An `acknowledge:` entry in .bumpguard.yml no longer matches anything; it can be removed.',
  'config-deprecated':
    '.bumpguard.yml uses a key that still works in this release and stops working in the next; the message says what to write instead.',
  'bump-unclear':
    'The change moves the Tailscale version to different values and none of them is the one the configured Dockerfile builds, so the feature audit did not run.',
  'marker-removed':
    'The `# renovate:` marker above the Tailscale version is gone, so Renovate stops proposing bumps; bumpguard found the version by its ARG name.',
  'no-recipe':
    'No build file mentions featuretags, ts_omit_ or ts_include_, so there is no feature selection to check (the image keeps every feature, or ships a prebuilt binary).',
} as const satisfies Record<FindingKind, string>;

const KIND_ORDER = Object.keys(KIND_NOTES) as FindingKind[];

/** Kinds for which "new in this bump" vs "already at base" tells the maintainer something. */
const SHOWS_ORIGIN = new Set<FindingKind>([
  'missing-dep',
  'unknown-feature',
  'patch-unknown-feature',
  'patch-stale',
  'patch-drift',
  'noop-strip',
  'recipe-unreadable',
  'deps-changed',
  'watched-symbol-changed',
  'features-added',
  'features-removed',
  'stale-acknowledgment',
  'canary-failed',
  'elf-mismatch',
]);

/** Their `detail` is the log tail, shown in the per-arch details unless those were trimmed. */
const LOG_KINDS = new Set<FindingKind>(['build-failed', 'no-baseline', 'infra-error']);

// Infrastructure trouble comes first (it is why the verdict is `error`) and never under "Blockers":
// a reader must not take it for the PR's fault. Its intro says how to retry where the report is read.
const GROUPS: { group: FindingGroup; title: string; noun: string }[] = [
  { group: 'infrastructure', title: "🛠️ Could not check — not this PR's fault", noun: 'infrastructure problems' },
  { group: 'blocker', title: '❌ Blockers', noun: 'blockers' },
  { group: 'warning', title: '⚠️ Warnings', noun: 'warnings' },
  { group: 'info', title: 'ℹ️ Info', noun: 'info' },
];

const MAX_MESSAGE = 600;
const MAX_FIX = 6000;

export interface FindingsOptions {
  /** Show at most this many findings per severity; null: all. */
  perGroup: number | null;
  /** Show each finding's `detail` (collapsed); when false only build/baseline log tails, shortened. */
  withDetail: boolean;
  /** Log tails are in the per-arch details, so build/baseline findings skip theirs. */
  logsElsewhere: boolean;
  /** The report is a PR comment, where `/rebuild` retries; else the CLI's, where running the check again does. */
  commands: boolean;
}

export interface RenderedFindings {
  text: string;
  /** Findings left out by `perGroup`. */
  hidden: number;
}

function origin(f: Finding): string {
  if (!SHOWS_ORIGIN.has(f.kind)) return '';
  return f.introduced ? ' · 🆕 **new in this bump**' : ' · ↩️ _already at base_';
}

/** `shown` holds fixes and details already printed: one diff often fixes several findings. */
function renderItem(f: Finding, opts: FindingsOptions, shown: Set<string>): string {
  const lines = [`- ${escapeText(clip(f.message, MAX_MESSAGE))}${origin(f)}`];
  if (f.fix && shown.has(f.fix)) {
    lines.push('  Suggested fix: the diff above covers this one too.');
  } else if (f.fix) {
    shown.add(f.fix);
    lines.push(
      f.fix.length > MAX_FIX
        ? `  <sub>Suggested fix omitted: ${f.fix.split('\n').length} lines is too long for a comment; \`bumpguard audit\` prints it.</sub>`
        : `  Suggested fix:\n\n${fence(f.fix, 'diff', '  ')}`,
    );
  }
  const isLog = LOG_KINDS.has(f.kind);
  // A failed build's log tail is the one detail worth keeping when details are trimmed.
  const showDetail = f.detail?.trim() && (opts.withDetail || isLog) && !(opts.logsElsewhere && isLog) && !shown.has(f.detail);
  if (showDetail) {
    shown.add(f.detail!);
    const text = opts.withDetail ? tail(f.detail!, 40, 3000) : tail(f.detail!, 15, 1500);
    lines.push(`  <details><summary>${isLog ? 'log tail' : 'detail'}</summary>\n\n${fence(text, 'text', '  ')}\n\n  </details>`);
  }
  return lines.join('\n');
}

function renderGroup(group: FindingGroup, items: Finding[], opts: FindingsOptions): { lines: string[]; hidden: number } {
  const shown = opts.perGroup === null ? items : items.slice(0, opts.perGroup);
  const lines: string[] = [];
  const printed = new Set<string>();
  if (group === 'infrastructure') {
    // One kind only: its note leads the group, with the retry that fits where the report is read.
    const retry = opts.commands ? 'Comment `/rebuild` to try again.' : 'Run the check again to retry.';
    return {
      lines: [`${KIND_NOTES['infra-error']} ${retry}`, '', ...shown.map((f) => renderItem(f, opts, printed))],
      hidden: items.length - shown.length,
    };
  }
  for (const kind of KIND_ORDER) {
    const ofKind = shown.filter((f) => f.kind === kind);
    if (ofKind.length === 0) continue;
    lines.push(`**${kind}** — ${KIND_NOTES[kind]}`, '', ...ofKind.map((f) => renderItem(f, opts, printed)), '');
  }
  return { lines, hidden: items.length - shown.length };
}

function byKindOrder(a: Finding, b: Finding): number {
  return KIND_ORDER.indexOf(a.kind) - KIND_ORDER.indexOf(b.kind);
}

/** The "Findings" section, or an empty text when nothing is open. */
export function renderFindings(findings: Finding[], opts: FindingsOptions): RenderedFindings {
  const open = findings.filter((f) => !f.acknowledged);
  if (open.length === 0) return { text: '', hidden: 0 };
  const out: string[] = ['### Findings'];
  let hidden = 0;
  for (const { group: which, title, noun } of GROUPS) {
    // Stable sort: kinds in KIND_ORDER, input order within a kind, so truncation keeps the worst first.
    const items = open.filter((f) => groupOfFinding(f) === which).sort(byKindOrder);
    if (items.length === 0) continue;
    const group = renderGroup(which, items, opts);
    hidden += group.hidden;
    const more =
      group.hidden > 0 ? [`_… and ${group.hidden} more ${noun} not shown (the full list is in \`bumpguard check --json\`)._`, ''] : [];
    const body = [...group.lines, ...more].join('\n').trimEnd();
    out.push(
      which === 'info'
        ? `<details><summary>${title} (${items.length})</summary>\n\n${body}\n\n</details>`
        : `#### ${title} (${items.length})\n\n${body}`,
    );
  }
  return { text: out.join('\n\n'), hidden };
}

// Every acknowledged item with who and why, and `/accept`s that no longer apply.
function plural(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}

function findingList(findings: Finding[]): string {
  return findings.map((f) => `  - ${escapeText(clip(f.message, 300))}`).join('\n');
}

/** The "Accepted" section, or '' when nothing was accepted and no override went stale. */
export function renderAccepted(outcome: PolicyOutcome): string {
  const lines: string[] = [];
  for (const { override: o, findings } of outcome.accepted) {
    const covers = findings.length > 0 ? `acknowledges ${plural(findings.length, 'blocker')}:` : 'matched no blocker in this run';
    lines.push(
      `- ${code(`/accept ${o.kind}`)} by @${escapeText(o.by)} on ${formatTime(o.at)} — “${escapeText(clip(o.reason, 300))}” — ${covers}`,
    );
    if (findings.length > 0) lines.push(findingList(findings));
  }
  const byOverride = new Set(outcome.accepted.flatMap((a) => a.findings));
  const inConfig = outcome.findings.filter((f) => f.acknowledged && !byOverride.has(f));
  for (const f of inConfig) {
    const reason = f.acknowledgedReason ? ` — “${escapeText(clip(f.acknowledgedReason, 300))}”` : '';
    lines.push(`- acknowledged by ${escapeText(f.acknowledgedBy ?? '.bumpguard.yml')}${reason}: ${escapeText(clip(f.message, 300))}`);
  }
  for (const o of outcome.staleOverrides) {
    lines.push(
      `- ~~${code(`/accept ${o.kind}`)} by @${escapeText(o.by)}~~ was given for ${code(shortSha(o.headSha))}, an earlier push; a new push is judged afresh, so it does not apply — accept again if it still holds.`,
    );
  }
  if (lines.length === 0) return '';
  return ['### Accepted', lines.join('\n')].join('\n\n');
}
