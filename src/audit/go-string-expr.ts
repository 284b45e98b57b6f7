// Evaluate Go constant string expressions as the feature table writes them: literals (raw or
// interpreted), named constants (`CLI`), conversions (`FeatureTag("x")`), parentheses and `+`.
import { matchBracket, splitTop, type GoDecls, type Span } from './go-decls.ts';

export type StringResult = { ok: true; value: string } | { ok: false; error: string };

const PLUS = new Set(['+']);
const MAX_DEPTH = 32;

export function evalStringExpr(decls: GoDecls, span: Span, depth = 0): StringResult {
  if (depth > MAX_DEPTH) return { ok: false, error: 'constant expression nests too deeply (cycle?)' };
  if (span.end <= span.start) return { ok: false, error: 'empty expression' };
  let value = '';
  for (const operand of splitTop(decls.tokens, span, PLUS)) {
    const r = evalOperand(decls, operand, depth);
    if (!r.ok) return r;
    value += r.value;
  }
  return { ok: true, value };
}

function evalOperand(decls: GoDecls, span: Span, depth: number): StringResult {
  const { tokens } = decls;
  const first = tokens[span.start]!;
  const len = span.end - span.start;
  if (len === 1 && first.kind === 'string') return { ok: true, value: first.value ?? '' };
  if (len === 1 && first.kind === 'ident') {
    const constant = decls.consts.get(first.text);
    if (!constant) return { ok: false, error: `unknown constant ${first.text}` };
    return evalStringExpr(decls, constant, depth + 1);
  }
  // `(expr)` or a conversion `FeatureTag(expr)` / `string(expr)` spanning the whole operand. Calls
  // of other functions are not evaluated: we can't know what a helper returns.
  const isConversion = first.kind === 'ident' && (first.text === 'string' || decls.types.has(first.text));
  const open = first.text === '(' ? span.start : isConversion && tokens[span.start + 1]?.text === '(' ? span.start + 1 : -1;
  if (open !== -1 && matchBracket(tokens, open, span.end) === span.end - 1) {
    return evalStringExpr(decls, { start: open + 1, end: span.end - 1 }, depth + 1);
  }
  return { ok: false, error: `unsupported expression ${describeSpan(decls, span)}` };
}

/** Source-ish text of a span for messages, shortened. */
export function describeSpan(decls: GoDecls, span: Span): string {
  const text = decls.tokens.slice(span.start, Math.min(span.end, span.start + 12)).filter((t) => !t.auto).map((t) => t.text).join(' ');
  return `\`${text.length > 60 ? `${text.slice(0, 57)}...` : text}${span.end - span.start > 12 ? ' ...' : ''}\``;
}
