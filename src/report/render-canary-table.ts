// Canary × arch: pass/fail, and for a failure the assertion and what was observed.
import type { CanaryResult, CheckResult, PlatformResult } from '../model.ts';
import { cell, clip, table } from './markdown.ts';
import { sideFailureLabel } from './side-failure.ts';

function failure(c: CanaryResult): string {
  if (c.assertion) {
    const observed = c.observed !== undefined ? `, got ${cell(clip(c.observed, 120))}` : '';
    return `❌ expected ${cell(clip(c.assertion, 120))}${observed}`;
  }
  return `❌ ${cell(clip(c.detail || 'failed', 160))}`;
}

function canaryCell(p: PlatformResult, name: string): string {
  if (p.head?.error) return `not run (${sideFailureLabel(p.head.error)})`;
  const head = p.head?.canaries.find((c) => c.name === name);
  if (!head) return '—';
  if (head.ok) return '✅ pass';
  const atBase = p.base?.canaries.find((c) => c.name === name)?.ok === false;
  return `${failure(head)}${atBase ? '<br><sub>already failing at base</sub>' : ''}`;
}

/** The canary table, or '' when no canary ran. */
export function renderCanaryTable(result: CheckResult): string {
  const names = [...new Set(result.platforms.flatMap((p) => p.head?.canaries.map((c) => c.name) ?? []))];
  if (names.length === 0) return '';
  const rows = names.map((name) => [cell(name), ...result.platforms.map((p) => canaryCell(p, name))]);
  return ['### Canaries', table(['canary', ...result.platforms.map((p) => cell(p.platform))], rows)].join('\n\n');
}
