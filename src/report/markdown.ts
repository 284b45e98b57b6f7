// Small markdown building blocks. Text from outside (finding messages, canary output,
// override reasons, build logs) must not break the comment: no raw HTML (a stray
// `</details>` or a copy of our marker), no table breakouts, no fence breakouts.

/** Inline text: HTML-escaped, on one line. */
export function escapeText(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/\s*\n\s*/g, ' ');
}

/** A table cell: inline text with pipes escaped. */
export function cell(text: string): string {
  return escapeText(text).replace(/\|/g, '\\|');
}

/** Inline code that survives backticks in the text. */
export function code(text: string): string {
  const oneLine = text.replace(/\s*\n\s*/g, ' ');
  const longest = Math.max(0, ...[...oneLine.matchAll(/`+/g)].map((m) => m[0].length));
  const ticks = '`'.repeat(longest + 1);
  const pad = oneLine.startsWith('`') || oneLine.endsWith('`') ? ' ' : '';
  return `${ticks}${pad}${oneLine}${pad}${ticks}`;
}

/** A fenced block whose fence is longer than any backtick run inside it. */
export function fence(content: string, lang = '', indent = ''): string {
  const longest = Math.max(0, ...[...content.matchAll(/`{3,}/g)].map((m) => m[0].length));
  const ticks = '`'.repeat(Math.max(3, longest + 1));
  const body = content
    .replace(/\n+$/, '')
    .split('\n')
    .map((l) => (l ? indent + l : l));
  return [`${indent}${ticks}${lang}`, ...body, `${indent}${ticks}`].join('\n');
}

/** A GitHub/Gitea pipe table; cells are used as given (escape them with `cell`). */
export function table(headers: string[], rows: string[][], align: ('l' | 'r')[] = []): string {
  const sep = headers.map((_, i) => (align[i] === 'r' ? '---:' : '---'));
  return [headers, sep, ...rows].map((r) => `| ${r.join(' | ')} |`).join('\n');
}

/** The last `maxLines` lines of a log, at most `maxChars` characters, saying what was cut. */
export function tail(text: string, maxLines: number, maxChars: number): string {
  const lines = text.replace(/\s+$/, '').split('\n');
  let kept = lines.slice(-maxLines).join('\n');
  if (kept.length > maxChars) kept = kept.slice(kept.length - maxChars).replace(/^[^\n]*\n/, '');
  const cut = lines.length - kept.split('\n').length;
  return cut > 0 ? `… ${cut} earlier line${cut === 1 ? '' : 's'} cut\n${kept}` : kept;
}

/** Shorten a one-line text to `max` characters with an ellipsis. */
export function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/** 60000 → "60,000" (no locale: output must not depend on the machine's ICU data). */
export function thousands(n: number): string {
  return String(Math.round(n)).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/** "4m 11s", "52s", "1h 2m". */
export function formatDuration(ms: number): string {
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m ${s % 60}s`;
  return `${Math.floor(s / 3600)}h ${Math.floor((s % 3600) / 60)}m`;
}

/** ISO time → "2025-11-25 12:34 UTC"; anything unparseable is shown as given. */
export function formatTime(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return `${d.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

/** Hidden marker that identifies bumpguard's sticky comment; forges treat it as opaque. */
export const MARKER = '<!-- bumpguard:report -->';
