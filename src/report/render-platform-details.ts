// Collapsible per-arch details: layers, largest files, top movers vs base, duplicated
// bytes, the main binary, and build log tails when a build failed.
import type { ImageAnalysis, PlatformResult } from '../model.ts';
import { formatBytes, formatSignedBytes, type PolicyOutcome } from '../policy/index.ts';
import type { Mover } from './compute-movers.ts';
import { cell, code, fence, table, tail } from './markdown.ts';
import { deltaText } from './render-size-table.ts';
import { sideFailureLabel } from './side-failure.ts';

export interface DetailsOptions {
  /** Layers, largest files, binary line and log tails. */
  full: boolean;
  /** Top movers vs base. */
  movers: boolean;
  /** How many largest files. */
  top: number;
  /** Top movers per platform (moversByPlatform); a platform without an entry has no comparison. */
  moverLists: ReadonlyMap<string, Mover[]>;
}

function summary(p: PlatformResult, outcome: PolicyOutcome): string {
  const name = `<b>${cell(p.platform)}</b>`;
  if (p.head?.error) return `${name} — ❌ ${sideFailureLabel(p.head.error)}`;
  const a = p.head?.analysis;
  if (!a) return `${name} — not built in this run`;
  const image = outcome.comparisons.find((c) => c.platform === p.platform && c.metric === 'image');
  const delta = image && image.deltaBytes !== null ? `, ${deltaText(image)}` : '';
  return `${name} — ${formatBytes(a.imageCompressedBytes)} compressed, ${a.layers.length} layers${delta}`;
}

function layersTable(a: ImageAnalysis): string {
  const rows = a.layers.map((l, i) => [
    String(i + 1), l.createdBy ? code(l.createdBy.slice(0, 80)) : code(l.id.slice(0, 19)),
    formatBytes(l.compressedBytes), formatBytes(l.uncompressedBytes), String(l.fileCount),
  ]);
  return `**Layers**\n\n${table(['#', 'layer', 'compressed', 'uncompressed', 'files'], rows, ['r', 'l', 'r', 'r', 'r'])}`;
}

function largestTable(a: ImageAnalysis, top: number): string {
  const rows = a.largestFiles.slice(0, top).map((f) => [code(f.path), formatBytes(f.bytes)]);
  return rows.length ? `**Largest files**\n\n${table(['path', 'size'], rows, ['l', 'r'])}` : '';
}

function factsLine(a: ImageAnalysis): string {
  const bin = a.binary ? `main binary ${code(a.binary.path)} ${formatBytes(a.binary.bytes)}, ${a.binary.upx ? 'UPX-packed' : '**not UPX-packed**'}` : 'main binary not found';
  const foreign = a.elfs.filter((e) => !e.matches);
  const n = (k: number) => `${k} ELF${k === 1 ? '' : 's'}`;
  const elfs = foreign.length ? `**${n(foreign.length)} for another CPU**` : `${n(a.elfs.length)} checked, all for this CPU`;
  return `${bin} · duplicated across layers: ${formatBytes(a.duplicateBytes)} · on flash: ${formatBytes(a.flashBytes)} at ${formatBytes(a.blockSize)} blocks · ${elfs}`;
}

function moversTable(movers: Mover[] | undefined): string {
  if (movers === undefined) return '';
  if (movers.length === 0) return '**Top movers vs base**: no file changed size.';
  const rows = movers.map((m) => [
    code(m.path), m.base === null ? 'new' : formatBytes(m.base), m.head === null ? 'removed' : formatBytes(m.head), formatSignedBytes(m.delta),
  ]);
  return `**Top movers vs base**\n\n${table(['path', 'base', 'head', 'Δ'], rows, ['l', 'r', 'r', 'r'])}`;
}

function logBlock(title: string, logTail: string): string {
  return logTail.trim() ? `**${title}** (last lines)\n\n${fence(tail(logTail, 60, 6000), 'text')}` : '';
}

function platformBody(p: PlatformResult, opts: DetailsOptions): string[] {
  const parts: string[] = [];
  const a = p.head?.analysis;
  if (opts.full) {
    if (p.head?.error) parts.push(logBlock(`${p.platform} head build log`, p.head.error.logTail));
    if (p.base?.error) parts.push(logBlock(`${p.platform} base build log`, p.base.error.logTail));
    if (a) parts.push(layersTable(a), largestTable(a, opts.top), factsLine(a));
  }
  if (opts.movers) parts.push(moversTable(opts.moverLists.get(p.platform)));
  return parts.filter((s) => s !== '');
}

/** The "Per arch" section, or '' when both parts are trimmed or nothing has details. */
export function renderPlatformDetails(platforms: PlatformResult[], outcome: PolicyOutcome, opts: DetailsOptions): string {
  if (!opts.full && !opts.movers) return '';
  const blocks = platforms.flatMap((p) => {
    const body = platformBody(p, opts);
    return body.length ? [`<details><summary>${summary(p, outcome)}</summary>\n\n${body.join('\n\n')}\n\n</details>`] : [];
  });
  return blocks.length ? ['### Per arch', ...blocks].join('\n\n') : '';
}
