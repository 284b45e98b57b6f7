// A small lexer for the subset of Go that upstream's feature table uses (identifiers, string and
// rune literals, numbers, operators, comments). Comments are dropped and semicolons are inserted
// at line ends as the Go spec says (§ Semicolons), so callers can split statements and specs.
// Malformed input becomes diagnostics and the lexer always advances: garbled files can't hang.
import type { ParseDiagnostic } from './types.ts';

type GoTokenKind = 'ident' | 'string' | 'char' | 'number' | 'op';

export interface GoToken {
  kind: GoTokenKind;
  /** Source text of the token. */
  text: string;
  /** Decoded value of a string literal (interpreted or raw). */
  value?: string;
  line: number;
  /** True for a semicolon the lexer inserted at a line end. */
  auto?: boolean;
}

export interface GoLexResult {
  tokens: GoToken[];
  diagnostics: ParseDiagnostic[];
}

// Longest first, so "..." wins over ".", "&&" over "&".
const OPERATORS = [
  '<<=',
  '>>=',
  '&^=',
  '...',
  '&&',
  '||',
  '<-',
  '++',
  '--',
  '==',
  '!=',
  '<=',
  '>=',
  ':=',
  '+=',
  '-=',
  '*=',
  '/=',
  '%=',
  '&=',
  '|=',
  '^=',
  '<<',
  '>>',
  '&^',
  '~',
  '+',
  '-',
  '*',
  '/',
  '%',
  '&',
  '|',
  '^',
  '<',
  '>',
  '=',
  '!',
  '(',
  ')',
  '[',
  ']',
  '{',
  '}',
  ',',
  ';',
  '.',
  ':',
];
const OPERATORS_BY_FIRST = Map.groupBy(OPERATORS, (o) => o[0]!);
const IDENT_START = /[\p{L}_]/u;
const IDENT_PART = /[\p{L}\p{Nd}_]/u;
const ENDS_STATEMENT_IDENTS = new Set(['break', 'continue', 'fallthrough', 'return']);
const ENDS_STATEMENT_OPS = new Set(['++', '--', ')', ']', '}']);
const NOT_EXPR_END_KEYWORDS = new Set([
  'break',
  'case',
  'chan',
  'const',
  'continue',
  'default',
  'defer',
  'else',
  'fallthrough',
  'for',
  'func',
  'go',
  'goto',
  'if',
  'import',
  'interface',
  'map',
  'package',
  'range',
  'return',
  'select',
  'struct',
  'switch',
  'type',
  'var',
]);
const SIMPLE_ESCAPES: Record<string, number> = { a: 7, b: 8, f: 12, n: 10, r: 13, t: 9, v: 11, '\\': 92, "'": 39, '"': 34 };
const utf8 = new TextEncoder();
const utf8Decoder = new TextDecoder();

interface LexState {
  src: string;
  i: number;
  line: number;
  tokens: GoToken[];
  diagnostics: ParseDiagnostic[];
}

export function lexGo(src: string): GoLexResult {
  const st: LexState = { src, i: 0, line: 1, tokens: [], diagnostics: [] };
  while (st.i < src.length) {
    if (!skipBlank(st)) readToken(st);
  }
  newline(st);
  return { tokens: st.tokens, diagnostics: st.diagnostics };
}

/** A line end: insert the semicolon Go would. */
function newline(st: LexState): void {
  const last = st.tokens.at(-1);
  if (last && endsStatement(last)) st.tokens.push({ kind: 'op', text: ';', line: last.line, auto: true });
}

/** Consume whitespace or one comment; false when the next thing is a token. */
function skipBlank(st: LexState): boolean {
  const { src } = st;
  const c = src[st.i]!;
  if (c === '\n') {
    newline(st);
    st.line++;
    st.i++;
  } else if (c === ' ' || c === '\t' || c === '\r' || c === '\uFEFF') {
    st.i++;
  } else if (src.startsWith('//', st.i)) {
    const end = src.indexOf('\n', st.i);
    st.i = end === -1 ? src.length : end;
  } else if (src.startsWith('/*', st.i)) {
    const end = src.indexOf('*/', st.i + 2);
    const stop = end === -1 ? src.length : end + 2;
    if (end === -1) st.diagnostics.push({ line: st.line, message: 'unterminated /* comment' });
    // A block comment spanning lines acts like a newline (spec § Comments).
    const lines = countNewlines(src, st.i, stop);
    if (lines > 0) newline(st);
    st.line += lines;
    st.i = stop;
  } else {
    return false;
  }
  return true;
}

function readToken(st: LexState): void {
  const { src, i, line } = st;
  const c = src[i]!;
  const push = (kind: GoTokenKind, end: number, value?: string) => {
    st.tokens.push(value === undefined ? { kind, text: src.slice(i, end), line } : { kind, text: src.slice(i, end), value, line });
    st.i = end;
  };
  if (c === '"' || c === "'") {
    const lit = lexQuoted(src, i, c, line);
    for (const message of lit.errors) st.diagnostics.push({ line, message });
    return push(c === '"' ? 'string' : 'char', lit.end, lit.value);
  }
  if (c === '`') {
    const end = src.indexOf('`', i + 1);
    if (end === -1) st.diagnostics.push({ line, message: 'unterminated raw string' });
    const stop = end === -1 ? src.length : end + 1;
    // Go drops carriage returns from raw string values (spec § String literals).
    push('string', stop, src.slice(i + 1, end === -1 ? src.length : end).replaceAll('\r', ''));
    st.line += countNewlines(src, i, stop);
    return;
  }
  const ch = String.fromCodePoint(src.codePointAt(i)!);
  if (isIdentStart(ch)) {
    let j = i + ch.length;
    for (let next = ch; j < src.length; j += next.length) {
      next = String.fromCodePoint(src.codePointAt(j)!);
      if (!isIdentPart(next)) break;
    }
    return push('ident', j);
  }
  if (isDigit(c) || (c === '.' && isDigit(src[i + 1] ?? ''))) {
    let j = i + 1;
    while (j < src.length && (isIdentPart(src[j]!) || src[j] === '.')) j++;
    return push('number', j);
  }
  const op = OPERATORS_BY_FIRST.get(c)?.find((o) => src.startsWith(o, i));
  if (op) return push('op', i + op.length);
  st.diagnostics.push({ line, message: `unexpected character ${JSON.stringify(ch)}` });
  st.i += ch.length;
}

function endsStatement(t: GoToken): boolean {
  if (t.kind === 'ident') return ENDS_STATEMENT_IDENTS.has(t.text) || !NOT_EXPR_END_KEYWORDS.has(t.text);
  if (t.kind === 'op') return ENDS_STATEMENT_OPS.has(t.text);
  return true;
}

function isDigit(c: string): boolean {
  return c >= '0' && c <= '9';
}

// ASCII fast path first: the regexes with Unicode classes are only for non-ASCII identifiers.
function isIdentStart(ch: string): boolean {
  const c = ch.charCodeAt(0);
  if (c < 128) return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95;
  return IDENT_START.test(ch);
}

function isIdentPart(ch: string): boolean {
  const c = ch.charCodeAt(0);
  if (c < 128) return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95 || (c >= 48 && c <= 57);
  return IDENT_PART.test(ch);
}

function countNewlines(src: string, from: number, to: number): number {
  let n = 0;
  for (let k = from; k < to; k++) if (src.charCodeAt(k) === 10) n++;
  return n;
}

interface QuotedLiteral {
  end: number;
  value: string;
  errors: string[];
}

/** An interpreted string or rune literal starting at `start`; escapes may produce raw bytes (\x, octal). */
function lexQuoted(src: string, start: number, quote: string, line: number): QuotedLiteral {
  // Fast path: no escapes on this line before the closing quote.
  const close = src.indexOf(quote, start + 1);
  if (close !== -1) {
    const body = src.slice(start + 1, close);
    if (!body.includes('\\') && !body.includes('\n')) return { end: close + 1, value: body, errors: [] };
  }
  const bytes: number[] = [];
  const errors: string[] = [];
  let i = start + 1;
  while (true) {
    if (i >= src.length || src[i] === '\n') {
      errors.push(`unterminated ${quote === '"' ? 'string' : 'rune'} literal starting on line ${line}`);
      break;
    }
    const c = src[i]!;
    if (c === quote) {
      i++;
      break;
    }
    if (c !== '\\') {
      const cp = src.codePointAt(i)!;
      const ch = String.fromCodePoint(cp);
      bytes.push(...utf8.encode(ch));
      i += ch.length;
      continue;
    }
    const esc = decodeEscape(src, i);
    if (esc.error) errors.push(esc.error);
    bytes.push(...esc.bytes);
    i = esc.end;
  }
  return { end: i, value: utf8Decoder.decode(new Uint8Array(bytes)), errors };
}

function decodeEscape(src: string, at: number): { bytes: number[]; end: number; error?: string } {
  const e = src[at + 1] ?? '';
  const simple = SIMPLE_ESCAPES[e];
  if (simple !== undefined) return { bytes: [simple], end: at + 2 };
  const hexLen = e === 'x' ? 2 : e === 'u' ? 4 : e === 'U' ? 8 : 0;
  if (hexLen > 0) {
    const digits = src.slice(at + 2, at + 2 + hexLen);
    if (!new RegExp(`^[0-9A-Fa-f]{${hexLen}}$`).test(digits)) return { bytes: [], end: at + 2, error: `bad \\${e} escape` };
    const n = Number.parseInt(digits, 16);
    if (e === 'x') return { bytes: [n], end: at + 2 + hexLen };
    if (n > 0x10ffff || (n >= 0xd800 && n < 0xe000))
      return { bytes: [], end: at + 2 + hexLen, error: `invalid Unicode escape \\${e}${digits}` };
    return { bytes: [...utf8.encode(String.fromCodePoint(n))], end: at + 2 + hexLen };
  }
  const oct = src.slice(at + 1, at + 4);
  if (/^[0-7]{3}$/.test(oct) && Number.parseInt(oct, 8) < 256) return { bytes: [Number.parseInt(oct, 8)], end: at + 4 };
  return { bytes: [], end: Math.min(at + 2, src.length), error: `unknown escape sequence \\${e}` };
}
