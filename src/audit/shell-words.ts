// A small shell tokenizer for recipe lines: words (quotes removed) and operators, with
// offsets into the line so a fix can be inserted next to the word it extends. It follows
// `$(…)` into double quotes (`TAGS="$(go run … | sed …)"`), which is how recipes are written.

export type ShellToken =
  | { kind: 'word'; value: string; start: number; end: number; quote: QuoteInfo | null }
  | { kind: 'op'; value: string; start: number; end: number };

/** Set when the whole word is one quoted string, so positions inside it map 1:1 to the source. */
export interface QuoteInfo {
  char: "'" | '"';
  /** Offset of the first character inside the quotes. */
  contentStart: number;
}

type Mode = 'top' | 'dq' | 'sub';

const OPERATORS = ['&&', '||', '$(', '|', ';', '&', '(', ')', '<', '>', '`'];

interface Scan {
  text: string;
  i: number;
  tokens: ShellToken[];
  modes: Mode[];
  word: { value: string; start: number; simple: boolean; quote: QuoteInfo | null } | null;
}

export function tokenizeShell(text: string): ShellToken[] {
  const st: Scan = { text, i: 0, tokens: [], modes: ['top'], word: null };
  while (st.i < text.length) {
    if (st.modes.at(-1) === 'dq') stepDoubleQuoted(st);
    else if (!stepUnquoted(st)) break;
  }
  finish(st, st.i);
  return st.tokens;
}

function begin(st: Scan, at: number): NonNullable<Scan['word']> {
  return (st.word ??= { value: '', start: at, simple: true, quote: null });
}

function finish(st: Scan, at: number): void {
  if (st.word === null) return;
  const quote = st.word.simple ? st.word.quote : null;
  st.tokens.push({ kind: 'word', value: st.word.value, start: st.word.start, end: at, quote });
  st.word = null;
}

/** Inside "…": `\` escapes only $ ` " \, and `$(` opens a nested command. */
function stepDoubleQuoted(st: Scan): void {
  const { text, i } = st;
  const c = text[i]!;
  if (c === '"') {
    st.modes.pop();
    st.i++;
  } else if (c === '$' && text[i + 1] === '(') {
    finish(st, i);
    st.tokens.push({ kind: 'op', value: '$(', start: i, end: i + 2 });
    st.modes.push('sub');
    st.i += 2;
  } else if (c === '\\' && i + 1 < text.length) {
    const next = text[i + 1]!;
    const w = begin(st, i);
    if ('$`"\\'.includes(next)) {
      w.value += next;
      w.simple = false;
    } else {
      w.value += c + next;
    }
    st.i += 2;
  } else {
    begin(st, i).value += c;
    st.i++;
  }
}

/** Outside double quotes; returns false at a comment (the rest of the line is ignored). */
function stepUnquoted(st: Scan): boolean {
  const { text, i } = st;
  const c = text[i]!;
  if (/\s/.test(c)) {
    finish(st, i);
    st.i++;
  } else if (c === '#' && st.word === null) {
    return false;
  } else if (c === "'" || c === '"') {
    const fresh = st.word === null;
    const w = begin(st, i);
    if (fresh) w.quote = { char: c, contentStart: i + 1 };
    else w.simple = false;
    if (c === '"') {
      st.modes.push('dq');
      st.i++;
    } else {
      const close = text.indexOf("'", i + 1);
      const stop = close < 0 ? text.length : close;
      w.value += text.slice(i + 1, stop);
      st.i = stop + 1;
    }
  } else if (c === '\\') {
    const w = begin(st, i);
    w.value += text[i + 1] ?? '';
    w.simple = false;
    st.i += 2;
  } else {
    const op = OPERATORS.find((o) => text.startsWith(o, i));
    if (op !== undefined) {
      finish(st, i);
      st.tokens.push({ kind: 'op', value: op, start: i, end: i + op.length });
      if (op === '$(') st.modes.push('sub');
      if (op === ')' && st.modes.at(-1) === 'sub') st.modes.pop();
      st.i += op.length;
    } else {
      const w = begin(st, i);
      // Text outside quotes after a quoted start makes the word compound (e.g. '-e'x).
      if (w.quote !== null) w.simple = false;
      w.value += c;
      st.i++;
    }
  }
  return true;
}
