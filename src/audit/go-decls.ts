// Top-level declarations of one Go file, as token ranges: enough to find the feature table, the
// string constants it refers to, the FeatureMeta struct and the IsOmittable method, whatever order
// or grouping (`const (…)`, `var (…)`) upstream uses. Expressions are evaluated lazily by callers.
import type { GoToken } from './go-lexer.ts';
import type { ParseDiagnostic } from './types.ts';

/** Half-open token range [start, end). */
export interface Span {
  start: number;
  end: number;
}

export interface GoFunc {
  name: string;
  /** Receiver variable and type name, e.g. { name: "ft", type: "FeatureTag" }; null for plain functions. */
  receiver: { name: string; type: string } | null;
  /** Tokens inside the body braces. */
  body: Span;
}

export interface GoDecls {
  tokens: GoToken[];
  /** const name → value expression. */
  consts: Map<string, Span>;
  /** var name → initialiser expression. */
  vars: Map<string, Span>;
  /** type name → the type expression (e.g. `struct { … }`). */
  types: Map<string, Span>;
  funcs: GoFunc[];
}

const OPEN = new Set(['(', '[', '{']);
const CLOSE = new Set([')', ']', '}']);

/** Index of the bracket closing the one at `open`, or `limit` when it is never closed. */
export function matchBracket(tokens: GoToken[], open: number, limit: number): number {
  let depth = 0;
  for (let k = open; k < limit; k++) {
    const t = tokens[k]!;
    if (t.kind !== 'op') continue;
    if (OPEN.has(t.text)) depth++;
    else if (CLOSE.has(t.text) && --depth === 0) return k;
  }
  return limit;
}

/** Split `span` at top-level occurrences of any of `seps` (bracket depth 0); empty parts are dropped. */
export function splitTop(tokens: GoToken[], span: Span, seps: ReadonlySet<string>): Span[] {
  const parts: Span[] = [];
  let depth = 0;
  let from = span.start;
  for (let k = span.start; k < span.end; k++) {
    const t = tokens[k]!;
    if (t.kind !== 'op') continue;
    if (OPEN.has(t.text)) depth++;
    else if (CLOSE.has(t.text)) depth = Math.max(0, depth - 1);
    else if (depth === 0 && seps.has(t.text)) {
      if (k > from) parts.push({ start: from, end: k });
      from = k + 1;
    }
  }
  if (span.end > from) parts.push({ start: from, end: span.end });
  return parts;
}

/** First index in `span` of an op token `text` at bracket depth 0, or -1. */
export function indexTop(tokens: GoToken[], span: Span, text: string): number {
  let depth = 0;
  for (let k = span.start; k < span.end; k++) {
    const t = tokens[k]!;
    if (t.kind !== 'op') continue;
    if (depth === 0 && t.text === text) return k;
    if (OPEN.has(t.text)) depth++;
    else if (CLOSE.has(t.text)) depth = Math.max(0, depth - 1);
  }
  return -1;
}

const SEMI = new Set([';']);

export function scanGoDecls(tokens: GoToken[]): { decls: GoDecls; diagnostics: ParseDiagnostic[] } {
  const decls: GoDecls = { tokens, consts: new Map(), vars: new Map(), types: new Map(), funcs: [] };
  const diagnostics: ParseDiagnostic[] = [];
  for (const decl of splitTop(tokens, { start: 0, end: tokens.length }, SEMI)) {
    const head = tokens[decl.start]!;
    const rest = { start: decl.start + 1, end: decl.end };
    if (head.text === 'const' || head.text === 'var' || head.text === 'type') {
      for (const spec of groupSpecs(tokens, rest)) addSpec(decls, head.text, spec);
    } else if (head.text === 'func') {
      const fn = scanFunc(tokens, rest);
      if (fn) decls.funcs.push(fn);
      else diagnostics.push({ line: head.line, message: 'could not read a func declaration' });
    } else if (head.text !== 'package' && head.text !== 'import') {
      diagnostics.push({ line: head.line, message: `unexpected ${JSON.stringify(head.text)} at top level` });
    }
  }
  return { decls, diagnostics };
}

/** The specs of `const X = …` or of a group `const ( X = …; Y = … )`. */
function groupSpecs(tokens: GoToken[], span: Span): Span[] {
  if (tokens[span.start]?.text !== '(') return [span];
  const close = matchBracket(tokens, span.start, span.end);
  return splitTop(tokens, { start: span.start + 1, end: close }, SEMI);
}

function addSpec(decls: GoDecls, keyword: string, spec: Span): void {
  const { tokens } = decls;
  if (keyword === 'type') {
    const name = tokens[spec.start];
    if (name?.kind === 'ident') decls.types.set(name.text, { start: spec.start + 1, end: spec.end });
    return;
  }
  // `A, B Type = x, y` (Type optional): pair names with values by position.
  const eq = indexTop(tokens, spec, '=');
  if (eq === -1) return;
  const names = splitTop(tokens, { start: spec.start, end: eq }, new Set([','])).map((s) => tokens[s.start]!);
  const values = splitTop(tokens, { start: eq + 1, end: spec.end }, new Set([',']));
  const target = keyword === 'const' ? decls.consts : decls.vars;
  names.forEach((name, k) => {
    const value = values[k];
    if (name.kind === 'ident' && value) target.set(name.text, value);
  });
}

function scanFunc(tokens: GoToken[], span: Span): GoFunc | null {
  let k = span.start;
  let receiver: GoFunc['receiver'] = null;
  if (tokens[k]?.text === '(') {
    const close = matchBracket(tokens, k, span.end);
    const inner = tokens.slice(k + 1, close).filter((t) => t.kind === 'ident');
    if (inner.length >= 2) receiver = { name: inner[0]!.text, type: inner.at(-1)!.text };
    else if (inner.length === 1) receiver = { name: '_', type: inner[0]!.text };
    k = close + 1;
  }
  const name = tokens[k];
  if (name?.kind !== 'ident') return null;
  let open = k + 1;
  while (open < span.end && !(tokens[open]!.kind === 'op' && tokens[open]!.text === '{')) open++;
  if (open >= span.end) return null;
  const close = matchBracket(tokens, open, span.end);
  return { name: name.text, receiver, body: { start: open + 1, end: close } };
}
