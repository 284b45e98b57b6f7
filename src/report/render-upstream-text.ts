// The upstream section for a terminal (`bumpguard audit`, `bumpguard check` as text): each source
// edit with its status, then the most relevant upstream commits by feature, as plain lines.
import type { UpstreamReport } from '../model.ts';

const STATUS = { applies: 'applies', drift: 'COUNT CHANGED', stale: 'STALE', unevaluated: 'not evaluated' } as const;

export function renderUpstreamText(u: UpstreamReport | undefined): string[] {
  if (!u) return [];
  const out = ['', `Upstream ${u.from} → ${u.to}`];
  for (const e of u.edits) {
    const counts = e.kind === 'sed' && e.changed ? ` (${e.changed.from ?? '-'} → ${e.changed.to ?? '-'} lines)` : '';
    out.push(`  ${e.path}:${e.line} ${e.kind} ${e.target || '?'}: ${STATUS[e.status]}${counts}`);
  }
  const c = u.commits;
  if (c.source === null) {
    out.push(`  commits: not listed, ${c.note ?? 'no history source'}`);
    return out;
  }
  out.push(`  commits touching what the image compiles in: ${c.relevant} of ${c.total} (${c.compareUrl})`);
  if (c.note) out.push(`  note: ${c.note}`);
  const top = new Set(c.top.map((t) => t.sha));
  for (const g of c.groups) {
    const shown = g.commits.filter((x) => top.has(x.sha));
    if (shown.length === 0) continue;
    out.push(`  ${g.name} (${g.commits.length}):`);
    for (const x of shown) out.push(`    ${x.shortSha} ${x.subject}`);
  }
  if (c.relevant > c.top.length) out.push(`  … ${c.relevant - c.top.length} more with --json (upstream.commits)`);
  return out;
}
