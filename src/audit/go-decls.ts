// Go source past the lexer, without a toolchain: top-level declarations as token ranges,
// constant string expressions, and the text of one definition by name.

import type { GoToken } from './go-lexer.ts';
import type { ParseDiagnostic } from './types.ts';

// Top-level declarations of one Go file, as token ranges: enough to find the feature table, the
// string constants it refers to, the FeatureMeta struct and the IsOmittable method, whatever order
// or grouping (`const (…)`, `var (…)`) upstream uses. Expressions are evaluated lazily by callers.

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

// Evaluate Go constant string expressions as the feature table writes them: literals (raw or
// interpreted), named constants (`CLI`), conversions (`FeatureTag("x")`), parentheses and `+`.
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
  const text = decls.tokens
    .slice(span.start, Math.min(span.end, span.start + 12))
    .filter((t) => !t.auto)
    .map((t) => t.text)
    .join(' ');
  return `\`${text.length > 60 ? `${text.slice(0, 57)}...` : text}${span.end - span.start > 12 ? ' ...' : ''}\``;
}

// The source text of one top-level Go definition (func, method, var, const or type) by name,
// for the watch list: a change between two tags of e.g. tstun's invertGSOChecksum (the
// omitted-netstack panic) is worth a warning. Strings and comments are masked before braces
// are balanced, so a `}` in a string or comment cannot cut a definition short.

/** The definition's text without its doc comment, or null when the file does not define it. `Type.Method` selects a method. */
export function extractGoSymbol(source: string, identifier: string): string | null {
  const mask = maskGo(source);
  const [receiver, name] = identifier.includes('.') ? (identifier.split('.', 2) as [string, string]) : [null, identifier];
  const funcRe = /^func[ \t]*(?:\((?<recv>[^)]*)\)[ \t]*)?(?<name>[\p{L}_][\p{L}\p{Nd}_]*)/gmu;
  for (const m of mask.matchAll(funcRe)) {
    if (m.groups!.name !== name) continue;
    const recv = m.groups!.recv;
    if (receiver !== null && (recv === undefined || !new RegExp(`\\*?\\b${receiver}\\b`).test(recv))) continue;
    return source.slice(m.index, funcEnd(mask, m.index + m[0].length)).trimEnd();
  }
  if (receiver !== null) return null;
  const declRe = /^(?:var|const|type)\b[ \t]*/gm;
  for (const m of mask.matchAll(declRe)) {
    const after = m.index + m[0].length;
    if (mask[after] === '(') {
      const close = matchClose(mask, after);
      const spec = findGroupSpec(mask, after + 1, close, name);
      if (spec) return source.slice(spec.start, spec.end).trimEnd();
    } else if (namesAt(mask, after).includes(name)) {
      return source.slice(m.index, specEnd(mask, after, mask.length)).trimEnd();
    }
  }
  return null;
}

/** Same length as `source`, with string, rune and comment contents blanked (newlines kept). */
function maskGo(source: string): string {
  const out = source.split('');
  const blank = (from: number, to: number) => {
    for (let k = from; k < to && k < out.length; k++) if (out[k] !== '\n') out[k] = ' ';
  };
  let i = 0;
  while (i < source.length) {
    const c = source[i]!;
    if (c === '/' && source[i + 1] === '/') {
      const end = source.indexOf('\n', i);
      const stop = end < 0 ? source.length : end;
      blank(i, stop);
      i = stop;
    } else if (c === '/' && source[i + 1] === '*') {
      const end = source.indexOf('*/', i + 2);
      const stop = end < 0 ? source.length : end + 2;
      blank(i, stop);
      i = stop;
    } else if (c === '`') {
      const end = source.indexOf('`', i + 1);
      const stop = end < 0 ? source.length : end + 1;
      blank(i + 1, stop - 1);
      i = stop;
    } else if (c === '"' || c === "'") {
      let k = i + 1;
      while (k < source.length && source[k] !== c && source[k] !== '\n') k += source[k] === '\\' ? 2 : 1;
      blank(i + 1, k);
      i = k + 1;
    } else {
      i++;
    }
  }
  return out.join('');
}

function matchClose(mask: string, open: number): number {
  let depth = 0;
  for (let k = open; k < mask.length; k++) {
    const c = mask[k]!;
    if (c === '(' || c === '[' || c === '{') depth++;
    else if (c === ')' || c === ']' || c === '}') {
      depth--;
      if (depth === 0) return k;
    }
  }
  return mask.length - 1;
}

/** End of a func: its body's closing brace (a body-less declaration ends at the line end). */
function funcEnd(mask: string, from: number): number {
  let paren = 0;
  for (let k = from; k < mask.length; k++) {
    const c = mask[k]!;
    if (c === '(' || c === '[') paren++;
    else if (c === ')' || c === ']') paren--;
    else if (c === '{' && paren === 0) {
      // struct{…} / interface{…} in a result type are not the body.
      if (/\b(struct|interface)\s*$/.test(mask.slice(Math.max(0, k - 12), k))) {
        k = matchClose(mask, k);
        continue;
      }
      return matchClose(mask, k) + 1;
    } else if (c === '\n' && paren === 0 && !/[,(]\s*$/.test(mask.slice(from, k))) {
      return k;
    }
  }
  return mask.length;
}

/** Identifiers a spec declares: `A, B = …`, `A int = …`, `A struct{…}`. */
function namesAt(mask: string, at: number): string[] {
  const m = /^[ \t]*(?<list>[\p{L}_][\p{L}\p{Nd}_]*(?:[ \t]*,[ \t]*[\p{L}_][\p{L}\p{Nd}_]*)*)/u.exec(mask.slice(at));
  return m ? m.groups!.list!.split(',').map((s) => s.trim()) : [];
}

/** A spec ends at a line break outside brackets whose line does not continue (Go's semicolon rule). */
function specEnd(mask: string, from: number, limit: number): number {
  let depth = 0;
  for (let k = from; k < limit; k++) {
    const c = mask[k]!;
    if (c === '(' || c === '[' || c === '{') depth++;
    else if (c === ')' || c === ']' || c === '}') depth--;
    else if ((c === '\n' || c === ';') && depth === 0) {
      const before = mask.slice(from, k).trimEnd();
      if (c === ';' || !/[,+\-*/|&=.:^<>!]$/.test(before)) return k;
    }
  }
  return limit;
}

function findGroupSpec(mask: string, from: number, close: number, name: string): { start: number; end: number } | null {
  let k = from;
  while (k < close) {
    while (k < close && /[\s;]/.test(mask[k]!)) k++;
    if (k >= close) break;
    const end = specEnd(mask, k, close);
    if (namesAt(mask, k).includes(name)) return { start: k, end };
    k = end + 1;
  }
  return null;
}

// The package clause of a Go file: the first `package name` line outside comments. A file
// excluded from every build (`//go:build ignore`) says nothing about its directory's package.
export function goPackageName(source: string): string | null {
  if (/^\/\/go:build ignore\s*$/m.test(source.slice(0, 4096))) return null;
  const m = /^[ \t]*package[ \t]+([\p{L}_][\p{L}\p{Nd}_]*)/mu.exec(maskGo(source));
  return m ? m[1]! : null;
}
