// Which features are not omittable: upstream says so in code, not in the table. At v1.90–v1.102
// `func (ft FeatureTag) IsOmittable() bool` is a switch whose `case CLI: return false` exempts
// the CLI (it is opt-in via ts_include_cli instead). We also read the equivalent `if ft == X
// { return false }`, `return ft != X && …` and `return !Features[ft].Field` forms (the shape a
// NotOmittable struct field would take); anything else becomes a diagnostic.
import { indexTop, matchBracket, splitTop, type GoDecls, type GoFunc, type Span } from './go-decls.ts';
import { describeSpan, evalStringExpr } from './go-string-expr.ts';
import type { ParseDiagnostic } from './types.ts';

export interface NotOmittableResult {
  /** Feature names IsOmittable reports false for, in source order. */
  tags: string[];
  /** Bool fields of FeatureMeta that make a feature not omittable when true. */
  fields: string[];
  diagnostics: ParseDiagnostic[];
}

const SEMI = new Set([';']);
const COMMA = new Set([',']);

export function readNotOmittable(decls: GoDecls, fn: GoFunc | undefined): NotOmittableResult {
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
