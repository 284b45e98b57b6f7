// Parse upstream feature/featuretags/featuretags.go (every stable tag since v1.90.0) into a
// FeatureTable without a Go toolchain. We read declarations, not lines: the `Features` map literal
// wherever it is declared, keys as literals or constants (`CLI`), entries on one line or many,
// `Deps: []FeatureTag{…}` with comments between items, boolean fields as flags
// (ImplementationDetail, or a future NotOmittable field), and the NotOmittable rule that lives in
// IsOmittable's code. Anything unexpected becomes a ParseDiagnostic; we never throw.

import {
  describeSpan,
  evalStringExpr,
  indexTop,
  matchBracket,
  scanGoDecls,
  splitTop,
  type GoDecls,
  type GoFunc,
  type Span,
} from './go-decls.ts';
import { lexGo } from './go-lexer.ts';
import type { FeatureMeta, FeatureTable, ParseDiagnostic } from './types.ts';

export interface ParsedFeatureTags {
  table: FeatureTable;
  /** String constants of the file, e.g. CLI → "cli" (cmd/featuretags uses featuretags.CLI). */
  constants: Map<string, string>;
  diagnostics: ParseDiagnostic[];
}

const COMMA = new Set([',']);
const ENTRY_SEPS = new Set([',', ';']);
const KNOWN_FIELDS = new Set(['Sym', 'Desc', 'Deps']);

export function parseFeatureTags(goSource: string): ParsedFeatureTags {
  const lexed = lexGo(goSource);
  const { decls, diagnostics: declDiags } = scanGoDecls(lexed.tokens);
  const diagnostics = [...lexed.diagnostics, ...declDiags];
  const constants = new Map<string, string>();
  for (const [name, span] of decls.consts) {
    const r = evalStringExpr(decls, span);
    if (r.ok) constants.set(name, r.value);
  }
  const table: FeatureTable = new Map();
  const fields = readMetaFields(decls, diagnostics);
  const features = decls.vars.get('Features');
  if (!features) {
    diagnostics.push({ message: 'no `var Features = map[FeatureTag]FeatureMeta{…}` declaration found' });
    return { table, constants, diagnostics };
  }
  readFeatureMap(decls, features, fields, table, diagnostics);
  const isOmittable = decls.funcs.find((f) => f.name === 'IsOmittable' && f.receiver !== null);
  const notOmittable = readNotOmittable(decls, isOmittable);
  diagnostics.push(...notOmittable.diagnostics);
  for (const [, meta] of table) {
    if (notOmittable.fields.some((f) => meta.flags.includes(f)) && !meta.flags.includes('NotOmittable')) meta.flags.push('NotOmittable');
  }
  for (const name of notOmittable.tags) {
    const meta = table.get(name);
    if (!meta) diagnostics.push({ message: `IsOmittable names ${JSON.stringify(name)}, which is not in Features` });
    else if (!meta.flags.includes('NotOmittable')) meta.flags.push('NotOmittable');
  }
  for (const [name, meta] of table) {
    for (const dep of meta.deps) {
      if (!table.has(dep))
        diagnostics.push({ message: `feature ${JSON.stringify(name)} depends on unknown feature ${JSON.stringify(dep)}` });
    }
  }
  return { table, constants, diagnostics };
}

/** FeatureMeta's field name → type text, or null when the struct is not in the file. */
function readMetaFields(decls: GoDecls, diagnostics: ParseDiagnostic[]): Map<string, string> | null {
  const span = decls.types.get('FeatureMeta');
  const { tokens } = decls;
  if (!span || tokens[span.start]?.text !== 'struct' || tokens[span.start + 1]?.text !== '{') {
    diagnostics.push({ message: 'no `type FeatureMeta struct` found; field names are not checked' });
    return null;
  }
  const close = matchBracket(tokens, span.start + 1, span.end);
  const fields = new Map<string, string>();
  for (const line of splitTop(tokens, { start: span.start + 2, end: close }, new Set([';']))) {
    // `Sym string`, `A, B bool` or an embedded type; a trailing struct tag is not part of the type.
    const parts = tokens.slice(line.start, line.end);
    const names: string[] = [];
    let k = 0;
    while (parts[k]?.kind === 'ident') {
      names.push(parts[k]!.text);
      if (parts[k + 1]?.text !== ',') {
        k++;
        break;
      }
      k += 2;
    }
    const type = parts
      .slice(k)
      .filter((t) => t.kind !== 'string')
      .map((t) => t.text)
      .join('');
    if (type !== '') for (const n of names) fields.set(n, type);
  }
  return fields;
}

function readFeatureMap(
  decls: GoDecls,
  expr: Span,
  fields: Map<string, string> | null,
  table: FeatureTable,
  diagnostics: ParseDiagnostic[],
): void {
  const { tokens } = decls;
  const open = indexTop(tokens, expr, '{');
  if (tokens[expr.start]?.text !== 'map' || open === -1) {
    diagnostics.push({ line: tokens[expr.start]?.line, message: `Features is not a map literal: ${describeSpan(decls, expr)}` });
    return;
  }
  const close = matchBracket(tokens, open, expr.end);
  if (close >= expr.end) diagnostics.push({ line: tokens[open]!.line, message: 'the Features map literal is not closed' });
  let depth = 0;
  for (let k = open + 1; k < close; k++) {
    const t = tokens[k]!;
    if (t.kind !== 'op') continue;
    if ('([{'.includes(t.text)) depth++;
    else if (')]}'.includes(t.text)) depth--;
    else if (t.text === ';' && depth === 0) {
      diagnostics.push({ line: t.line, message: 'missing comma in the Features map literal (Go would reject this file)' });
    }
  }
  for (const entry of splitTop(tokens, { start: open + 1, end: close }, ENTRY_SEPS)) {
    const read = readEntry(decls, entry, fields, diagnostics);
    if (!read) continue;
    if (table.has(read.name)) {
      diagnostics.push({
        line: tokens[entry.start]!.line,
        message: `duplicate feature ${JSON.stringify(read.name)} (the first one is kept)`,
      });
      continue;
    }
    table.set(read.name, read.meta);
  }
}

function readEntry(
  decls: GoDecls,
  entry: Span,
  fields: Map<string, string> | null,
  diagnostics: ParseDiagnostic[],
): { name: string; meta: FeatureMeta } | null {
  const { tokens } = decls;
  const line = tokens[entry.start]!.line;
  const colon = indexTop(tokens, entry, ':');
  if (colon === -1) {
    diagnostics.push({ line, message: `Features entry without a key: ${describeSpan(decls, entry)}` });
    return null;
  }
  const key = evalStringExpr(decls, { start: entry.start, end: colon });
  if (!key.ok) {
    diagnostics.push({ line, message: `Features key: ${key.error}` });
    return null;
  }
  // The value may name its type: `{…}`, `FeatureMeta{…}`, `&FeatureMeta{…}` or `pkg.FeatureMeta{…}`.
  const value = { start: colon + 1, end: entry.end };
  const open = indexTop(tokens, value, '{');
  const prefix = tokens.slice(value.start, Math.max(value.start, open));
  if (open === -1 || !prefix.every((t, k) => t.kind === 'ident' || t.text === '.' || (k === 0 && t.text === '&'))) {
    diagnostics.push({
      line,
      message: `feature ${JSON.stringify(key.value)}: value is not a FeatureMeta literal: ${describeSpan(decls, value)}`,
    });
    return null;
  }
  const close = matchBracket(tokens, open, value.end);
  const meta: FeatureMeta = { sym: '', desc: '', deps: [], flags: [] };
  const seen = new Set<string>();
  for (const field of splitTop(tokens, { start: open + 1, end: close }, COMMA)) {
    readField(decls, key.value, field, fields, meta, seen, diagnostics);
  }
  if (!seen.has('Sym')) diagnostics.push({ line, message: `feature ${JSON.stringify(key.value)} has no Sym` });
  return { name: key.value, meta };
}

function readField(
  decls: GoDecls,
  feature: string,
  field: Span,
  fields: Map<string, string> | null,
  meta: FeatureMeta,
  seen: Set<string>,
  diagnostics: ParseDiagnostic[],
): void {
  const { tokens } = decls;
  const name = tokens[field.start]!;
  const line = name.line;
  const where = `feature ${JSON.stringify(feature)}`;
  if (name.kind !== 'ident' || tokens[field.start + 1]?.text !== ':') {
    diagnostics.push({ line, message: `${where}: expected \`Field: value\`, got ${describeSpan(decls, field)}` });
    return;
  }
  if (seen.has(name.text)) diagnostics.push({ line, message: `${where}: duplicate field ${name.text}` });
  seen.add(name.text);
  if (fields && !fields.has(name.text)) diagnostics.push({ line, message: `${where}: FeatureMeta has no field ${name.text}` });
  const value = { start: field.start + 2, end: field.end };
  if (name.text === 'Sym' || name.text === 'Desc') {
    const r = evalStringExpr(decls, value);
    if (!r.ok) diagnostics.push({ line, message: `${where}: ${name.text}: ${r.error}` });
    else if (name.text === 'Sym') meta.sym = r.value;
    else meta.desc = r.value;
  } else if (name.text === 'Deps') {
    meta.deps = readDeps(decls, value, where, diagnostics);
  } else if (!KNOWN_FIELDS.has(name.text)) {
    const v = value.end - value.start === 1 ? tokens[value.start]!.text : '';
    if (v === 'true') meta.flags.push(name.text);
    else if (v !== 'false')
      diagnostics.push({ line, message: `${where}: ${name.text} is not true or false: ${describeSpan(decls, value)}` });
    if (fields?.has(name.text) && fields.get(name.text) !== 'bool')
      diagnostics.push({ line, message: `${where}: ${name.text} is not a bool field` });
  }
}

function readDeps(decls: GoDecls, value: Span, where: string, diagnostics: ParseDiagnostic[]): string[] {
  const { tokens } = decls;
  const line = tokens[value.start]?.line;
  if (value.end - value.start === 1 && tokens[value.start]!.text === 'nil') return [];
  const open = indexTop(tokens, value, '{');
  if (open === -1 || tokens[value.start]?.text !== '[' || tokens[value.start + 1]?.text !== ']') {
    diagnostics.push({ line, message: `${where}: Deps is not a []FeatureTag literal: ${describeSpan(decls, value)}` });
    return [];
  }
  const close = matchBracket(tokens, open, value.end);
  const deps: string[] = [];
  for (const item of splitTop(tokens, { start: open + 1, end: close }, COMMA)) {
    const r = evalStringExpr(decls, item);
    if (r.ok) deps.push(r.value);
    else diagnostics.push({ line: tokens[item.start]?.line, message: `${where}: Deps: ${r.error}` });
  }
  return deps;
}

// Which features are not omittable: upstream says so in code, not in the table. At v1.90–v1.102
// `func (ft FeatureTag) IsOmittable() bool` is a switch whose `case CLI: return false` exempts
// the CLI (it is opt-in via ts_include_cli instead). We also read the equivalent `if ft == X
// { return false }`, `return ft != X && …` and `return !Features[ft].Field` forms (the shape a
// NotOmittable struct field would take); anything else becomes a diagnostic.
interface NotOmittableResult {
  /** Feature names IsOmittable reports false for, in source order. */
  tags: string[];
  /** Bool fields of FeatureMeta that make a feature not omittable when true. */
  fields: string[];
  diagnostics: ParseDiagnostic[];
}

const SEMI = new Set([';']);
function readNotOmittable(decls: GoDecls, fn: GoFunc | undefined): NotOmittableResult {
  const out: NotOmittableResult = { tags: [], fields: [], diagnostics: [] };
  if (!fn) {
    out.diagnostics.push({ message: 'no IsOmittable method found; treating every feature as omittable' });
    return out;
  }
  const recv = fn.receiver?.name ?? '';
  for (const stmt of splitTop(decls.tokens, fn.body, SEMI)) readStatement(decls, recv, stmt, out);
  return out;
}

function readStatement(decls: GoDecls, recv: string, stmt: Span, out: NotOmittableResult): void {
  const { tokens } = decls;
  const head = tokens[stmt.start]!;
  const rest = { start: stmt.start + 1, end: stmt.end };
  if (head.text === 'switch') return readSwitch(decls, recv, rest, out);
  if (head.text === 'if') return readIf(decls, recv, rest, out);
  if (head.text === 'return') {
    if (rest.end - rest.start === 1 && tokens[rest.start]!.text === 'true') return;
    const field = negatedFieldOf(decls, recv, rest);
    if (field) {
      out.fields.push(field);
      return;
    }
    return readComparisons(decls, recv, rest, '&&', '!=', out);
  }
  unsupported(decls, stmt, out);
}

function readSwitch(decls: GoDecls, recv: string, span: Span, out: NotOmittableResult): void {
  const { tokens } = decls;
  const open = indexTop(tokens, span, '{');
  if (open === -1) return unsupported(decls, span, out);
  if (open !== span.start + 1 || tokens[span.start]!.text !== recv) return unsupported(decls, span, out);
  const close = matchBracket(tokens, open, span.end);
  // Clause keywords at the switch body's own depth.
  const starts: number[] = [];
  let depth = 0;
  for (let k = open + 1; k < close; k++) {
    const t = tokens[k]!;
    if (t.kind === 'op' && '([{'.includes(t.text)) depth++;
    else if (t.kind === 'op' && ')]}'.includes(t.text)) depth--;
    else if (depth === 0 && t.kind === 'ident' && (t.text === 'case' || t.text === 'default')) starts.push(k);
  }
  starts.forEach((kw, n) => readClause(decls, { start: kw, end: starts[n + 1] ?? close }, out));
}

function readClause(decls: GoDecls, clause: Span, out: NotOmittableResult): void {
  const { tokens } = decls;
  const colon = indexTop(tokens, { start: clause.start + 1, end: clause.end }, ':');
  if (colon === -1) return unsupported(decls, clause, out);
  const body = splitTop(tokens, { start: colon + 1, end: clause.end }, SEMI);
  const result = body.length === 0 ? 'none' : returnedBool(decls, body[0]!);
  if (result === 'true' || result === 'none') return;
  if (result !== 'false' || tokens[clause.start]!.text === 'default') return unsupported(decls, clause, out);
  for (const expr of splitTop(tokens, { start: clause.start + 1, end: colon }, COMMA)) addTag(decls, expr, out);
}

function readIf(decls: GoDecls, recv: string, span: Span, out: NotOmittableResult): void {
  const { tokens } = decls;
  const open = indexTop(tokens, span, '{');
  if (open === -1) return unsupported(decls, span, out);
  const close = matchBracket(tokens, open, span.end);
  const body = splitTop(tokens, { start: open + 1, end: close }, SEMI);
  if (close + 1 < span.end || body.length !== 1 || returnedBool(decls, body[0]!) !== 'false') return unsupported(decls, span, out);
  readComparisons(decls, recv, { start: span.start, end: open }, '||', '==', out);
}

/** `recv OP x JOIN recv OP y …` (either operand order) adds x, y. */
function readComparisons(decls: GoDecls, recv: string, span: Span, join: string, op: string, out: NotOmittableResult): void {
  const { tokens } = decls;
  for (const part of splitTop(tokens, span, new Set([join]))) {
    const at = indexTop(tokens, part, op);
    if (at === -1) return unsupported(decls, span, out);
    const left = { start: part.start, end: at };
    const right = { start: at + 1, end: part.end };
    const isRecv = (s: Span) => s.end - s.start === 1 && tokens[s.start]!.text === recv;
    if (isRecv(left)) addTag(decls, right, out);
    else if (isRecv(right)) addTag(decls, left, out);
    else return unsupported(decls, span, out);
  }
}

/** `!Features[recv].Field` → "Field". */
function negatedFieldOf(decls: GoDecls, recv: string, span: Span): string | null {
  const text = decls.tokens.slice(span.start, span.end).map((t) => t.text);
  const shape = ['!', 'Features', '[', recv, ']', '.'];
  const field = text[6];
  return text.length === 7 && shape.every((s, k) => text[k] === s) && field ? field : null;
}

function returnedBool(decls: GoDecls, stmt: Span): 'true' | 'false' | 'other' {
  const { tokens } = decls;
  if (stmt.end - stmt.start !== 2 || tokens[stmt.start]!.text !== 'return') return 'other';
  const v = tokens[stmt.start + 1]!.text;
  return v === 'true' || v === 'false' ? v : 'other';
}

function addTag(decls: GoDecls, expr: Span, out: NotOmittableResult): void {
  const r = evalStringExpr(decls, expr);
  if (r.ok) out.tags.push(r.value);
  else out.diagnostics.push({ line: decls.tokens[expr.start]?.line, message: `IsOmittable: ${r.error}` });
}

function unsupported(decls: GoDecls, span: Span, out: NotOmittableResult): void {
  out.diagnostics.push({
    line: decls.tokens[span.start]?.line,
    message: `IsOmittable: cannot read ${describeSpan(decls, span)}; only switch/if/return comparisons with constants are understood`,
  });
}
