// Findings about what changed upstream between the two tags: Deps of opted-in features,
// features added or removed (new ones are silently omitted by --min), watched symbols.
import { createTwoFilesPatch, FILE_HEADERS_ONLY } from 'diff';
import type { Finding } from '../model.ts';
import type { FeatureTable } from './types.ts';

/** A watched upstream definition at both tags (null: not found there). */
export interface WatchedSymbol {
  file: string;
  symbol: string;
  /** Why it is watched when not listed under `watch:`, e.g. "the sed at Dockerfile:14 edits it". */
  via?: string;
  old: string | null;
  new: string | null;
}

export interface ChangeInput {
  fromTag: string;
  toTag: string;
  oldTable: FeatureTable;
  newTable: FeatureTable;
  /** Features opted in at either tag. */
  optedIn: string[];
  /** Whether the recipe starts from --min (then new features are left out unless opted in). */
  usesMin: boolean;
  watched: WatchedSymbol[];
}

export type ChangeFinding = Omit<Finding, 'acknowledged'>;

export function findChangeFindings(input: ChangeInput): ChangeFinding[] {
  return [...depsChanged(input), ...featureSetChanges(input), ...input.watched.flatMap((w) => watchedChanged(w, input))];
}

function depsChanged({ oldTable, newTable, optedIn, fromTag, toTag }: ChangeInput): ChangeFinding[] {
  const out: ChangeFinding[] = [];
  for (const feature of optedIn) {
    const before = oldTable.get(feature)?.deps;
    const after = newTable.get(feature)?.deps;
    if (before === undefined || after === undefined) continue;
    const added = after.filter((d) => !before.includes(d));
    const removed = before.filter((d) => !after.includes(d));
    if (added.length === 0 && removed.length === 0) continue;
    const parts = [...added.map((d) => `+${d}`), ...removed.map((d) => `−${d}`)].join(', ');
    out.push({
      severity: 'warning',
      kind: 'deps-changed',
      features: [feature, ...added, ...removed],
      introduced: true,
      message: `${feature}'s Deps changed from ${fromTag} to ${toTag}: ${parts}`,
    });
  }
  return out;
}

function featureSetChanges({ oldTable, newTable, fromTag, toTag, usesMin }: ChangeInput): ChangeFinding[] {
  const added = [...newTable.keys()].filter((f) => !oldTable.has(f)).sort();
  const removed = [...oldTable.keys()].filter((f) => !newTable.has(f)).sort();
  const out: ChangeFinding[] = [];
  if (added.length > 0) {
    const tail = usesMin ? ': --min leaves them out unless the recipe opts in' : '';
    out.push({ severity: 'info', kind: 'features-added', features: added, introduced: true, message: `${toTag} adds ${added.length} feature(s): ${added.join(', ')}${tail}` });
  }
  if (removed.length > 0) {
    out.push({ severity: 'info', kind: 'features-removed', features: removed, introduced: true, message: `${toTag} removes ${removed.length} feature(s) that ${fromTag} had: ${removed.join(', ')}` });
  }
  return out;
}

/** A watched symbol's change between the two tags, as findings. */
export function watchedChanged(w: WatchedSymbol, { fromTag, toTag }: Pick<ChangeInput, 'fromTag' | 'toTag'>): ChangeFinding[] {
  const name = `${w.symbol} (${w.file}${w.via ? `; watched because ${w.via}` : ''})`;
  if (w.old !== null && w.new !== null) {
    if (w.old === w.new) return [];
    const detail = createTwoFilesPatch(`${fromTag}/${w.file}`, `${toTag}/${w.file}`, `${w.old}\n`, `${w.new}\n`, undefined, undefined, { headerOptions: FILE_HEADERS_ONLY });
    return [{ severity: 'warning', kind: 'watched-symbol-changed', features: [], introduced: true, message: `watched ${name} changed between ${fromTag} and ${toTag}`, detail }];
  }
  if (w.old !== null) {
    return [{ severity: 'warning', kind: 'watched-symbol-changed', features: [], introduced: true, message: `watched ${name} no longer exists at ${toTag} (moved, renamed or removed)`, detail: w.old }];
  }
  if (w.new !== null) {
    return [{ severity: 'info', kind: 'watched-symbol-changed', features: [], introduced: true, message: `watched ${name} is new at ${toTag} (absent at ${fromTag})` }];
  }
  return [{ severity: 'warning', kind: 'watched-symbol-changed', features: [], introduced: false, message: `watched ${name} exists at neither ${fromTag} nor ${toTag}; check the watch entry in .bumpguard.yml` }];
}
