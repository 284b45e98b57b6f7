// The feature-tag audit of one bump (pure): the recipe against the old and the new upstream
// feature table. State findings are computed at both tags so each says whether the bump
// introduced it; change findings (Deps, features, watched symbols) are new by nature.

import { createTwoFilesPatch, FILE_HEADERS_ONLY } from 'diff';
import type { Config } from '../config/index.ts';
import type { Finding, FindingKind, Severity } from '../core/index.ts';
import { findChangeFindings, findStateFindings, type RawFinding, type WatchedSymbol } from './findings.ts';
import { parseBuildConstraints } from './parse-recipe.ts';
import { resolveSelection, type Selection } from './resolve-selection.ts';
import type { FeatureTable, Recipe, RecipeSed } from './types.ts';

export interface AuditBumpInput {
  fromTag: string;
  toTag: string;
  /** The recipe as parsed from the head; null when there was nothing to parse. */
  recipe: Recipe | null;
  /** Set when no build file mentions a feature-tag recipe at all (every feature kept, or a prebuilt binary): the files looked at. */
  noRecipe?: { files: string[] };
  /** Texts of the recipe files (for the suggested fix). */
  recipeFiles: { path: string; text: string }[];
  config: Pick<Config, 'acknowledge' | 'recipe'>;
  oldTable: FeatureTable;
  newTable: FeatureTable;
  /** Go files of the patches folder. */
  patchFiles: { path: string; text: string }[];
  watched: WatchedSymbol[];
}

export type { WatchedSymbol };

const SEVERITY_ORDER: Severity[] = ['blocker', 'warning', 'info'];
const KIND_ORDER: FindingKind[] = [
  'no-recipe',
  'recipe-unreadable',
  'missing-dep',
  'unknown-feature',
  'patch-unknown-feature',
  'noop-strip',
  'deps-changed',
  'watched-symbol-changed',
  'features-added',
  'features-removed',
  'stale-acknowledgment',
];

export function auditBump(input: AuditBumpInput): Finding[] {
  const explicit = input.config.recipe.optIn === 'auto' ? null : input.config.recipe.optIn;
  const optInsKnown = explicit !== null || input.recipe?.featuretags != null;
  const constraints = parseBuildConstraints(input.patchFiles);
  const state = (table: FeatureTable, tag: string) => {
    const selection = resolveSelection(table, tag, input.recipe, explicit);
    return {
      selection,
      findings: findStateFindings({ table, tag, recipe: input.recipe, explicitOptIns: explicit, selection, optInsKnown, constraints }),
    };
  };
  const before = state(input.oldTable, input.fromTag);
  const after = state(input.newTable, input.toTag);
  const oldKeys = new Set(before.findings.map(keyOf));
  const findings: Finding[] = after.findings.map((f) => ({ ...f, introduced: !oldKeys.has(keyOf(f)), acknowledged: false }));
  const unreadable =
    input.noRecipe && explicit === null ? noRecipe(input.noRecipe.files) : recipeUnreadable(input.recipe, explicit, optInsKnown);
  if (unreadable) findings.push(unreadable);
  const changes = findChangeFindings({
    ...input,
    optedIn: [...new Set([...before.selection.optedIn, ...after.selection.optedIn])],
    usesMin: input.recipe?.featuretags?.min ?? explicit !== null,
  });
  findings.push(...changes.map((f) => ({ ...f, acknowledged: false })));
  const acked = acknowledge(findings, input.config.acknowledge, before.findings, input.toTag);
  attachFix(acked, input, after.selection);
  return acked.sort(compareFindings);
}

function keyOf(f: RawFinding): string {
  return `${f.kind}\u0000${f.features.join('\u0000')}`;
}

/** Nothing to audit is not a blocker: one info line, and the change findings (features added, removed) still apply. */
function noRecipe(files: string[]): Finding {
  const where = files.length > 0 ? files.join(', ') : 'the configured Dockerfile (it does not exist at the head)';
  return {
    severity: 'info',
    kind: 'no-recipe',
    features: [],
    introduced: false,
    acknowledged: false,
    message: `no feature-tag recipe found in ${where}: opt-in checks skipped`,
  };
}

function recipeUnreadable(recipe: Recipe | null, explicit: string[] | null, optInsKnown: boolean): Finding | null {
  const diagnostics = recipe?.diagnostics ?? [
    { path: '', line: 0, message: 'no recipe file was found (see `dockerfile` in .bumpguard.yml)' },
  ];
  if (optInsKnown && diagnostics.length === 0) return null;
  const detail = diagnostics.map((d) => `${d.path ? `${d.path}${d.line > 0 ? `:${d.line}` : ''}: ` : ''}${d.message}`).join('\n');
  const severity: Severity = !optInsKnown ? 'blocker' : explicit !== null ? 'info' : 'warning';
  const message = !optInsKnown
    ? 'the feature recipe cannot be read, so the opt-ins are unknown: set recipe.optIn in .bumpguard.yml to the features you keep'
    : explicit !== null
      ? 'parts of the recipe cannot be read; the opt-ins come from recipe.optIn in .bumpguard.yml'
      : `parts of the recipe cannot be read (${diagnostics.length}); the audit may miss an opt-in`;
  return {
    severity,
    kind: 'recipe-unreadable',
    features: [],
    introduced: false,
    acknowledged: false,
    message,
    ...(detail ? { detail } : {}),
  };
}

function acknowledge(
  findings: Finding[],
  acks: AuditBumpInput['config']['acknowledge'],
  oldFindings: RawFinding[],
  toTag: string,
): Finding[] {
  const out = findings.map((f) => {
    const ack = acks.find((a) => acknowledges(a, f));
    if (!ack) return f;
    return { ...f, severity: 'info' as const, acknowledged: true, acknowledgedReason: ack.reason, acknowledgedBy: '.bumpguard.yml' };
  });
  for (const ack of acks) {
    // `edit` entries concern source edits, which auditUpstream (audit-target.ts) acknowledges.
    if ('edit' in ack || findings.some((f) => acknowledges(ack, f))) continue;
    out.push({
      severity: 'warning',
      kind: 'stale-acknowledgment',
      features: ack.dep === undefined ? [ack.feature] : [ack.feature, ack.dep],
      introduced: oldFindings.some((f) => acknowledges(ack, f)),
      acknowledged: false,
      message: `the acknowledgment of ${describeAck(ack)} in .bumpguard.yml matches nothing at ${toTag}; remove it or update it`,
    });
  }
  return out;
}

/** One fix for every unacknowledged missing dep, attached to each of those findings. */
function attachFix(findings: Finding[], input: AuditBumpInput, selection: Selection): void {
  const open = findings.filter((f) => f.kind === 'missing-dep' && !f.acknowledged && f.features.length === 2);
  if (open.length === 0) return;
  const missing = [...new Set(open.map((f) => f.features[1]!))];
  const explicit = input.config.recipe.optIn !== 'auto';
  const fix = !explicit && input.recipe ? suggestStrips(input.recipe, input.recipeFiles, missing) : null;
  const detail = addNote(input, selection, findings);
  for (const f of open) {
    if (fix) f.fix = fix.patch;
    else f.message += explicit ? `; add ${missing.join(', ')} to recipe.optIn and to the recipe` : '';
    if (detail) f.detail = detail;
  }
}

/** When the recipe runs featuretags --min, --add=<opt-ins> would let upstream resolve Deps itself. */
function addNote(input: AuditBumpInput, selection: Selection, findings: Finding[]): string | null {
  const call = input.recipe?.featuretags;
  if (!call?.min) return null;
  const list = selection.optedIn.filter((f) => input.newTable.has(f)).join(',');
  const ackedDeps = findings.filter((f) => f.kind === 'missing-dep' && f.acknowledged).map((f) => f.features[1]!);
  const extra =
    ackedDeps.length > 0 ? ` It would also keep ${[...new Set(ackedDeps)].join(', ')}, which .bumpguard.yml acknowledges leaving out.` : '';
  const remove = call.remove.length > 0 ? ` --remove=${call.remove.join(',')}` : '';
  return `Alternatively, replace the strips with \`${call.command} --min --add=${list}${remove}\`: upstream's featuretags keeps every Dep of what --add names, so future Deps are resolved for you.${extra}`;
}

function compareFindings(a: Finding, b: Finding): number {
  return (
    SEVERITY_ORDER.indexOf(a.severity) - SEVERITY_ORDER.indexOf(b.severity) ||
    KIND_ORDER.indexOf(a.kind) - KIND_ORDER.indexOf(b.kind) ||
    compareText(a.features.join(','), b.features.join(',')) ||
    compareText(a.message, b.message)
  );
}

/** Code-unit order: the same on every machine, unlike locale collation. */
function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

// The minimal recipe change for missing deps: one more strip per missing feature, written
// like the recipe's last strip (own continuation line, extra `-e`, or `;` in the same script).
export interface SuggestedFix {
  path: string;
  /** The file after the change. */
  text: string;
  /** Unified diff of the change. */
  patch: string;
}

/** null when the recipe has no strip to imitate or its file text is not given. */
export function suggestStrips(recipe: Recipe, files: { path: string; text: string }[], features: string[]): SuggestedFix | null {
  // Only a strip of one literal tag can be copied with another name in it.
  const template = [...recipe.seds].reverse().find((s) => s.features.length === 1 && s.source.includes(`ts_omit_${s.features[0]}`));
  if (!template || features.length === 0) return null;
  const file = files.find((f) => f.path === template.site.path);
  if (!file) return null;
  const eol = file.text.includes('\r\n') ? '\r\n' : '\n';
  const lines = file.text.split(eol);
  const index = template.site.line - 1;
  const line = lines[index];
  if (line === undefined) return null;
  const edited = editLines(lines, index, line, template, features);
  if (edited === null) return null;
  const text = edited.join(eol);
  // git-style a/ b/ names so `git apply` takes the suggestion as is.
  const patch = createTwoFilesPatch(`a/${file.path}`, `b/${file.path}`, file.text, text, undefined, undefined, {
    headerOptions: FILE_HEADERS_ONLY,
  });
  return { path: file.path, text, patch };
}

function editLines(lines: string[], index: number, line: string, template: RecipeSed, features: string[]): string[] | null {
  const { site } = template;
  const commands = features.map((f) => retarget(template.source, template.features[0]!, f));
  const out = [...lines];
  if (site.style === 'own-line') {
    const word = line.slice(site.wordStart, site.wordEnd);
    const copies = features.map((f) => line.slice(0, site.wordStart) + retarget(word, template.features[0]!, f) + line.slice(site.wordEnd));
    if (/\\\s*$/.test(line)) {
      out.splice(index + 1, 0, ...copies);
    } else {
      // The template ends the continuation: put the copies before it, each continued.
      out.splice(index, 0, ...copies.map((c) => `${c.replace(/\s+$/, '')} \\`));
    }
    return out;
  }
  if (site.style === 'e-arg') {
    const q = site.quote ?? "'";
    const insert = commands.map((c) => ` -e ${q}${c}${q}`).join('');
    out[index] = line.slice(0, site.wordEnd) + insert + line.slice(site.wordEnd);
    return out;
  }
  if (site.commandEnd === null) return null;
  const insert = commands.map((c) => `;${c}`).join('');
  out[index] = line.slice(0, site.commandEnd) + insert + line.slice(site.commandEnd);
  return out;
}

function retarget(text: string, from: string, to: string): string {
  return text.replace(`ts_omit_${from}`, `ts_omit_${to}`);
}

// `acknowledge: [{ feature, dep?, reason } | { edit, reason }]` in .bumpguard.yml: a known gap
// the maintainers accept shows as info with their reason; an entry that matches nothing any more
// is reported so the config does not keep excusing a problem that has changed shape.
export type Acknowledgment = Config['acknowledge'][number];

/** Kinds an entry without `dep` may excuse, by their first feature. */
const BY_FEATURE: ReadonlySet<FindingKind> = new Set([
  'missing-dep',
  'unknown-feature',
  'patch-unknown-feature',
  'noop-strip',
  'deps-changed',
]);
/** Kinds an `edit` entry excuses, by what the edit touches. */
const BY_EDIT: ReadonlySet<FindingKind> = new Set(['patch-stale', 'patch-drift', 'patch-unevaluated']);

export function acknowledges(ack: Acknowledgment, finding: RawFinding): boolean {
  if ('edit' in ack) return BY_EDIT.has(finding.kind) && finding.edit?.target === ack.edit;
  if (finding.features[0] !== ack.feature) return false;
  if (ack.dep !== undefined) return finding.kind === 'missing-dep' && finding.features[1] === ack.dep;
  return BY_FEATURE.has(finding.kind);
}

export function describeAck(ack: Acknowledgment): string {
  if ('edit' in ack) return `the edit of ${ack.edit}`;
  return ack.dep === undefined ? ack.feature : `${ack.feature} → ${ack.dep}`;
}
