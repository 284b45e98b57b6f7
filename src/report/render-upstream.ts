// "Upstream behind this bump": each source edit the build makes and whether it still applies,
// then (collapsed) the upstream commits between the tags that touch what the image compiles in,
// grouped by feature, at most the 20 most relevant; `--json` has all of them.
import type { DigestCommit, EditStatus, UpstreamReport } from '../model.ts';
import { cell, clip, code, escapeText, table } from './markdown.ts';

const STATUS: Record<EditStatus['status'], string> = { applies: '✅ applies', drift: '⚠️ count changed', stale: '❌ stale', unevaluated: 'ℹ️ not evaluated' };
const KIND: Record<EditStatus['kind'], string> = { sed: 'sed', patch: 'patch', 'copy-go': 'COPY .go', unreadable: 'edit' };

/** `full: false` keeps the edits and one line about the commits (the comment is being trimmed). */
export function renderUpstream(upstream: UpstreamReport | undefined, opts: { full: boolean }): string {
  if (!upstream) return '';
  const parts = ['### Upstream behind this bump'];
  if (upstream.edits.length > 0) parts.push(editsTable(upstream));
  parts.push(opts.full ? commitsDetails(upstream) : commitsLine(upstream));
  return parts.filter((p) => p !== '').join('\n\n');
}

function editsTable(u: UpstreamReport): string {
  const lines = (n: number | null | undefined) => (n === null || n === undefined ? '—' : `${n} line${n === 1 ? '' : 's'}`);
  const rows = u.edits.map((e) => [
    `${KIND[e.kind]} at ${code(`${e.path}:${e.line}`)}`,
    e.target ? code(e.target) : '—',
    e.kind === 'sed' ? lines(e.changed?.from) : '',
    e.kind === 'sed' ? lines(e.changed?.to) : '',
    e.status === 'unevaluated' ? `${STATUS[e.status]}: ${cell(clip(e.message.replace(/^.*? was not evaluated: /, ''), 160))}` : STATUS[e.status],
  ]);
  return `Source edits the build makes to upstream, replayed at both tags:\n\n${table(['edit', 'edits', `changes at ${cell(u.from)}`, `at ${cell(u.to)}`, 'status'], rows)}`;
}

function commitsLine(u: UpstreamReport): string {
  const c = u.commits;
  if (c.source === null) return `Upstream commits: not listed, ${escapeText(c.note ?? 'no history source')}.`;
  const note = c.note ? ` ${escapeText(c.note)}.` : '';
  return `Upstream commits touching what this image compiles in: ${c.relevant} of ${c.total} ([compare ${escapeText(u.from)}...${escapeText(u.to)}](${c.compareUrl})).${note}`;
}

function commitsDetails(u: UpstreamReport): string {
  const c = u.commits;
  if (c.source === null || c.relevant === 0) return commitsLine(u);
  const top = new Set(c.top.map((t) => t.sha));
  const groups = c.groups
    .map((g) => ({ ...g, shown: g.commits.filter((x) => top.has(x.sha)) }))
    .filter((g) => g.shown.length > 0)
    .map((g) => `**${escapeText(g.name)}** (${g.commits.length})\n${g.shown.map(commitLine).join('\n')}`);
  const more = c.relevant > c.top.length ? `\n\n${c.relevant - c.top.length} more in \`bumpguard check --json\` (\`upstream.commits\`).` : '';
  const note = c.note ? `\n\n> ${escapeText(c.note)}.` : '';
  const summary = `What changed upstream behind the shipped features: ${c.relevant} of ${c.total} commits${c.relevant > c.top.length ? ` (the ${c.top.length} most relevant)` : ''}`;
  return `<details><summary>${summary}</summary>\n\n${groups.join('\n\n')}${more}${note}\n\n[Compare ${escapeText(u.from)}...${escapeText(u.to)}](${c.compareUrl}) · from ${escapeText(c.source)}\n\n</details>`;
}

function commitLine(c: DigestCommit): string {
  return `- [${code(c.shortSha)}](${c.url}) ${escapeText(clip(c.subject, 120))}`;
}
