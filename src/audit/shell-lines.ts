// How a shell reads recipe text: Dockerfile instructions and continued lines joined into command
// lines, and each line cut into words and operators.

// Turn a Dockerfile or shell script into the command lines a shell would see: backslash
// continuations joined, RUN heredoc bodies unfolded, positions kept so a finding (and a
// suggested fix) can point at the physical line.

export interface LogicalLine {
  path: string;
  /** The joined command text; a joined backslash-newline becomes one space. */
  text: string;
  /** Where each physical piece starts: offset in `text` → 1-based line and 0-based column in the file. */
  pieces: { offset: number; line: number; column: number }[];
}

export interface SplitResult {
  lines: LogicalLine[];
  diagnostics: { path: string; line: number; message: string }[];
}

const HEREDOC_RE = /<<(?<dash>-?)\s*(?<quote>["']?)(?<word>[A-Za-z_][A-Za-z0-9_]*)\k<quote>/;

/** One Dockerfile instruction, continuations joined. */
export interface DockerInstruction {
  /** Upper-case keyword: FROM, WORKDIR, COPY, RUN … */
  keyword: string;
  /** 1-based line where it starts. */
  line: number;
  /** The arguments after the keyword (flags included), joined into one line. */
  args: string;
  /** RUN only: `--flag=value` options before the command (e.g. `--mount=type=bind,…`). */
  flags: string[];
  /** RUN only: the command lines the shell runs (the heredoc body, when there is one). */
  shell: LogicalLine[];
}

/** Every instruction of a Dockerfile in order; RUN instructions carry their shell lines. */
export function splitDockerfileInstructions(
  path: string,
  text: string,
): { instructions: DockerInstruction[]; diagnostics: SplitResult['diagnostics'] } {
  const physical = text.split(/\r?\n/);
  const instructions: DockerInstruction[] = [];
  const diagnostics: SplitResult['diagnostics'] = [];
  let i = 0;
  while (i < physical.length) {
    const start = i;
    const joined = joinContinued(path, physical, i, { dockerComments: true });
    i = joined.next;
    const kw = /^\s*([A-Za-z]+)(?:\s+|$)/.exec(joined.line.text);
    if (!kw || joined.line.text.trimStart().startsWith('#')) continue;
    const keyword = kw[1]!.toUpperCase();
    const instruction: DockerInstruction = { keyword, line: start + 1, args: joined.line.text.slice(kw[0].length), flags: [], shell: [] };
    instructions.push(instruction);
    if (keyword !== 'RUN') continue;
    // A bare `RUN` (nothing after it) runs nothing.
    const m = /^\s*RUN\s+((?:--[a-z-]+=\S+\s+)*)/i.exec(joined.line.text);
    if (!m) continue;
    instruction.flags = m[1]!.split(/\s+/).filter((f) => f !== '');
    // Blank out `RUN` and its flags (same length, so offsets stay true): the shell never sees them.
    joined.line.text = ' '.repeat(m[0].length) + joined.line.text.slice(m[0].length);
    const heredoc = HEREDOC_RE.exec(joined.line.text);
    if (heredoc?.groups && !/['"]/.test(joined.line.text.slice(0, heredoc.index))) {
      const body = readHeredoc(path, physical, i, heredoc.groups.word!, heredoc.groups.dash === '-');
      if (body === null) {
        diagnostics.push({ path, line: start + 1, message: `RUN heredoc <<${heredoc.groups.word} is never closed` });
        break;
      }
      instruction.shell = body.lines;
      i = body.next;
      continue;
    }
    instruction.shell = [joined.line];
  }
  return { instructions, diagnostics };
}

/** RUN commands of a Dockerfile (other instructions carry no shell), heredoc bodies included. */
export function splitDockerfile(path: string, text: string): SplitResult {
  const { instructions, diagnostics } = splitDockerfileInstructions(path, text);
  const lines: LogicalLine[] = [];
  for (const instruction of instructions) for (const l of instruction.shell) lines.push(l);
  return { lines, diagnostics };
}

/** Command lines of a shell script: `\`, trailing `|`/`&&`/`||` and open quotes continue a line. */
export function splitShell(path: string, text: string, firstLine = 1): LogicalLine[] {
  const physical = text.split(/\r?\n/);
  const lines: LogicalLine[] = [];
  let i = 0;
  while (i < physical.length) {
    const joined = joinContinued(path, physical, i, { dockerComments: false, lineOffset: firstLine - 1 });
    i = joined.next;
    if (joined.line.text.trim() !== '' && !/^\s*#/.test(joined.line.text)) lines.push(joined.line);
  }
  return lines;
}

function readHeredoc(
  path: string,
  physical: string[],
  from: number,
  word: string,
  dash: boolean,
): { lines: LogicalLine[]; next: number } | null {
  for (let j = from; j < physical.length; j++) {
    const candidate = dash ? physical[j]!.replace(/^\t+/, '') : physical[j]!;
    if (candidate.trimEnd() === word) {
      return { lines: splitShell(path, physical.slice(from, j).join('\n'), from + 1), next: j + 1 };
    }
  }
  return null;
}

function joinContinued(
  path: string,
  physical: string[],
  from: number,
  opts: { dockerComments: boolean; lineOffset?: number },
): { line: LogicalLine; next: number } {
  const offset = opts.lineOffset ?? 0;
  const line: LogicalLine = { path, text: '', pieces: [] };
  // Pieces are joined once at the end: a growing string read between appends is copied flat
  // again each time, which made a long unterminated quote quadratic.
  const parts: string[] = [];
  let length = 0;
  const append = (part: string) => {
    parts.push(part);
    length += part.length;
  };
  const scan = newShellScan();
  let i = from;
  while (i < physical.length) {
    const raw = physical[i]!;
    i++;
    // Docker drops comment lines inside a continued instruction.
    if (opts.dockerComments && line.pieces.length > 0 && /^\s*#/.test(raw)) continue;
    // A Dockerfile comment line never continues, even when it ends in a backslash.
    const comment = opts.dockerComments && /^\s*#/.test(raw);
    const continued = !comment && /(^|[^\\])(\\\\)*\\$/.test(raw);
    const body = continued ? raw.slice(0, -1) : raw;
    line.pieces.push({ offset: length, line: i + offset, column: 0 });
    append(body);
    if (!opts.dockerComments) feedShellScan(scan, body);
    if (continued) {
      append(' ');
      if (!opts.dockerComments) feedShellScan(scan, ' ');
      continue;
    }
    if (!opts.dockerComments && shellWantsMore(scan)) {
      append('\n');
      feedShellScan(scan, '\n');
      continue;
    }
    break;
  }
  line.text = parts.join('');
  return { line, next: i };
}

/** Quote and `$(` state of a logical line, fed piece by piece. */
interface ShellScan {
  single: boolean;
  double: boolean;
  depth: number;
  /** An unquoted `#` began a comment: nothing after it changes the state. */
  comment: boolean;
  /** The previous piece ended in a backslash that escapes the next character. */
  escaped: boolean;
  /** The previous piece ended in `$`, which opens a substitution if `(` comes next. */
  dollar: boolean;
  /** The character before the next one (a `#` starts a comment only after whitespace). */
  prev: string;
  /** The last two non-blank characters seen: a line ending in `|` or `&&` continues. */
  tail: string;
}

const newShellScan = (): ShellScan => ({
  single: false,
  double: false,
  depth: 0,
  comment: false,
  escaped: false,
  dollar: false,
  prev: '',
  tail: '',
});

/** Advance the scan over one more piece of the line; each character is looked at once. */
function feedShellScan(s: ShellScan, piece: string): void {
  const trimmed = piece.trimEnd();
  if (trimmed !== '') s.tail = (s.tail + trimmed).slice(-2);
  for (let k = 0; !s.comment && k < piece.length; k++) {
    const c = piece[k]!;
    const prev = s.prev;
    s.prev = c;
    if (s.escaped) {
      s.escaped = false;
      continue;
    }
    const dollar = s.dollar;
    s.dollar = false;
    if (s.single) {
      if (c === "'") s.single = false;
    } else if (c === '\\') {
      s.escaped = true;
    } else if (c === "'" && !s.double) {
      s.single = true;
    } else if (c === '"') {
      s.double = !s.double;
    } else if (c === '#' && !s.double && (prev === '' || /\s/.test(prev))) {
      s.comment = true;
    } else if (c === '$') {
      s.dollar = true;
    } else if (c === '(' && dollar) {
      s.depth++;
    } else if (c === ')' && s.depth > 0) {
      s.depth--;
    }
  }
}

/** A shell line continues after a trailing pipe/and/or or while a quote or `$(` is open. */
function shellWantsMore(s: ShellScan): boolean {
  if (s.tail.endsWith('|') || s.tail.endsWith('&&')) return true;
  return s.single || s.double || s.depth > 0;
}

/** 1-based line and 0-based column in the file of an offset in a logical line. */
export function locate(line: LogicalLine, offset: number): { line: number; column: number } {
  // Binary search for the last piece starting at or before `offset` (pieces are in offset order):
  // a logical line joined from thousands of continuations is located in log time.
  const { pieces } = line;
  let lo = 0;
  let hi = pieces.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (pieces[mid]!.offset <= offset) lo = mid;
    else hi = mid - 1;
  }
  const piece = pieces[lo]!;
  return { line: piece.line, column: piece.column + (offset - piece.offset) };
}

// A small shell tokenizer for recipe lines: words (quotes removed) and operators, with
// offsets into the line so a fix can be inserted next to the word it extends. It follows
// `$(…)` into double quotes (`TAGS="$(go run … | sed …)"`), which is how recipes are written.

export type ShellToken =
  | { kind: 'word'; value: string; start: number; end: number; quote: QuoteInfo | null }
  | { kind: 'op'; value: string; start: number; end: number };

/** Set when the whole word is one quoted string, so positions inside it map 1:1 to the source. */
interface QuoteInfo {
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

/**
 * For each token, whether it is a word that starts a simple command (at the line start, after an
 * operator, or after `VAR=x` words). One pass: asking token by token and walking back over the
 * assignments was quadratic on a line of thousands of `A=1`.
 */
export function commandStarts(tokens: ShellToken[]): boolean[] {
  const starts: boolean[] = new Array<boolean>(tokens.length);
  let atStart = true;
  for (let k = 0; k < tokens.length; k++) {
    const t = tokens[k]!;
    starts[k] = t.kind === 'word' && atStart;
    atStart = t.kind === 'op' || (atStart && /^[A-Za-z_][A-Za-z0-9_]*=/.test(t.value));
  }
  return starts;
}
