// Read the `s` commands of a sed script and translate their regexes to JavaScript, so the
// recipe's strips can be replayed on the exact tag list upstream prints (a strip for a
// renamed feature then visibly matches nothing). GNU sed syntax, as in golang:alpine's busybox/GNU sed.

interface SedSubstitute {
  /** The command as written, e.g. `s/ts_omit_dns,\{0,1\}//g`. */
  source: string;
  /** Offset of the command in the script. */
  offset: number;
  /** The regex as written (delimiter escapes resolved). */
  rawRegex: string;
  /** JavaScript RegExp source, or null when the regex uses syntax we do not translate. */
  regex: string | null;
  /** JavaScript replacement string (`&` → `$&`, `\1` → `$1`). */
  replacement: string;
  global: boolean;
  ignoreCase: boolean;
}

export interface SedScript {
  substitutes: SedSubstitute[];
  /** Commands other than `s` (we cannot replay them), as written. */
  others: string[];
}

/** Split a sed script on `;` and newlines into commands; `s` commands are parsed. */
export function parseSedScript(script: string, extended: boolean): SedScript {
  const result: SedScript = { substitutes: [], others: [] };
  let i = 0;
  while (i < script.length) {
    while (i < script.length && /[\s;]/.test(script[i]!)) i++;
    if (i >= script.length) break;
    if (script[i] === 's' && i + 1 < script.length && !/[\s\\\n]/.test(script[i + 1]!)) {
      const parsed = readSubstitute(script, i, extended);
      if (parsed.command) result.substitutes.push(parsed.command);
      else result.others.push(script.slice(i, parsed.next).trim());
      i = parsed.next;
      continue;
    }
    const end = nextSeparator(script, i);
    result.others.push(script.slice(i, end).trim());
    i = end;
  }
  return result;
}

function nextSeparator(script: string, from: number): number {
  for (let k = from; k < script.length; k++) if (script[k] === ';' || script[k] === '\n') return k;
  return script.length;
}

/**
 * One `s` command from `start`; `command` is null when it is malformed, and `next` always moves
 * past what was read. An unterminated `s` swallows the rest of the script (sed rejects it too):
 * restarting after it at the next `;` made a script of many unterminated `s` quadratic.
 */
function readSubstitute(script: string, start: number, extended: boolean): { command: SedSubstitute | null; next: number } {
  const delim = script[start + 1]!;
  const parts: string[] = [];
  let k = start + 2;
  let part = '';
  while (k < script.length && parts.length < 2) {
    const c = script[k]!;
    if (c === '\\' && k + 1 < script.length) {
      // An escaped delimiter is the literal character, anything else keeps its backslash.
      part += script[k + 1] === delim ? delim : c + script[k + 1];
      k += 2;
      continue;
    }
    if (c === delim) {
      parts.push(part);
      part = '';
    } else {
      part += c;
    }
    k++;
  }
  if (parts.length < 2) return { command: null, next: script.length };
  let flags = '';
  while (k < script.length && /[gpIi0-9]/.test(script[k]!)) flags += script[k++];
  const end = nextSeparator(script, k);
  if (script.slice(k, end).trim() !== '') return { command: null, next: end };
  return {
    command: {
      source: script.slice(start, k),
      offset: start,
      rawRegex: parts[0]!,
      regex: sedRegexToJs(parts[0]!, extended),
      replacement: sedReplacementToJs(parts[1]!),
      global: flags.includes('g'),
      ignoreCase: /[Ii]/.test(flags),
    },
    next: end,
  };
}

/** POSIX BRE (or ERE with -E/-r) plus GNU escapes → JavaScript regex source; null if untranslatable. */
export function sedRegexToJs(regex: string, extended: boolean): string | null {
  let out = '';
  let i = 0;
  while (i < regex.length) {
    const c = regex[i]!;
    if (c === '[') {
      const close = bracketEnd(regex, i);
      if (close < 0) return null;
      // POSIX classes like [[:alnum:]] have no JS spelling we rely on; keep simple ones.
      const body = regex.slice(i, close + 1);
      if (body.includes('[:')) return null;
      out += body.replace(/\\/g, '\\\\');
      i = close + 1;
      continue;
    }
    if (c === '\\' && i + 1 < regex.length) {
      const n = regex[i + 1]!;
      i += 2;
      if (!extended && '{}()|?+'.includes(n)) out += n;
      else if ('wWsSbB'.includes(n) || /[0-9]/.test(n)) out += '\\' + n;
      else if (n === 'n') out += '\\n';
      else if (n === 't') out += '\\t';
      else if (n === '<' || n === '>' || n === '`' || n === "'") return null;
      else out += '\\' + n;
      continue;
    }
    if (!extended && '{}()|?+'.includes(c)) out += '\\' + c;
    else if (extended && c === '{' && !/^\{\d*(,\d*)?\}/.test(regex.slice(i))) out += '\\{';
    else out += c;
    i++;
  }
  try {
    new RegExp(out);
  } catch (err) {
    // A translation JavaScript rejects is reported as unreadable, never guessed at.
    if (err instanceof SyntaxError) return null;
    throw err;
  }
  // The strips are replayed with V8's backtracking engine: refuse shapes that could run unbounded.
  return isReplaySafe(out) ? out : null;
}

function bracketEnd(regex: string, open: number): number {
  let k = open + 1;
  if (regex[k] === '^') k++;
  if (regex[k] === ']') k++;
  for (; k < regex.length; k++) {
    if (regex[k] === '[' && regex[k + 1] === ':') {
      const close = regex.indexOf(':]', k + 2);
      if (close < 0) return -1;
      k = close + 1;
    } else if (regex[k] === ']') {
      return k;
    }
  }
  return -1;
}

function sedReplacementToJs(replacement: string): string {
  let out = '';
  for (let i = 0; i < replacement.length; i++) {
    const c = replacement[i]!;
    if (c === '\\' && i + 1 < replacement.length) {
      const n = replacement[++i]!;
      out += /[0-9]/.test(n) ? `$${n}` : n === 'n' ? '\n' : n === '&' ? '&' : n === '$' ? '$$' : n;
    } else if (c === '&') {
      out += '$&';
    } else if (c === '$') {
      out += '$$';
    } else {
      out += c;
    }
  }
  return out;
}

// Whether a translated sed regex can be replayed in JavaScript in bounded time. The recipe is a
// PR's text and V8's regex engine backtracks: `\(.*\)*x` on the tag list never returns, and
// `a?a?…a a…` is exponential. Strips are simple (`ts_omit_dns,\{0,1\}`, `ts_omit_\(a\|b\),*`), so a
// regex outside this plain shape is reported as not replayable instead of being run:
// no backreferences, no repeated group, at most one unbounded quantifier, few branch points.

const MAX_BRANCH_POINTS = 8;

export function isReplaySafe(source: string): boolean {
  let unbounded = 0;
  let branches = 0;
  /** Per open group: whether it holds an unbounded quantifier. */
  const groups: boolean[] = [];
  /** The group that closed just before this character, if one did. */
  let closed: { unboundedInside: boolean } | null = null;
  for (let i = 0; i < source.length; i++) {
    const c = source[i]!;
    const after = closed;
    closed = null;
    if (c === '\\') {
      if (/[1-9]/.test(source[i + 1] ?? '')) return false;
      i++;
    } else if (c === '[') {
      i = classEnd(source, i);
    } else if (c === '(') {
      groups.push(false);
      if (source.startsWith('?:', i + 1)) i += 2;
    } else if (c === ')') {
      const inner = groups.pop() ?? false;
      if (inner && groups.length > 0) groups[groups.length - 1] = true;
      closed = { unboundedInside: inner };
    } else if (c === '|') {
      branches++;
    } else if (c === '*' || c === '+' || c === '?' || c === '{') {
      const q = quantifier(source, i);
      if (q === null) continue;
      branches++;
      // A repeated group is where backtracking explodes: only an optional group of bounded content.
      if (after !== null && (q.max > 1 || after.unboundedInside)) return false;
      if (q.max === Infinity) {
        unbounded++;
        if (groups.length > 0) groups[groups.length - 1] = true;
      }
      i = q.end;
      // A lazy suffix does not change what can be tried.
      if (source[i + 1] === '?') i++;
    }
  }
  return unbounded <= 1 && branches <= MAX_BRANCH_POINTS;
}

function classEnd(source: string, open: number): number {
  for (let k = open + 1; k < source.length; k++) {
    if (source[k] === '\\') k++;
    else if (source[k] === ']' && k > open + 1) return k;
  }
  return source.length;
}

function quantifier(source: string, at: number): { max: number; end: number } | null {
  const c = source[at]!;
  if (c === '*' || c === '+') return { max: Infinity, end: at };
  if (c === '?') return { max: 1, end: at };
  const m = /^\{(\d+)(,(\d*))?\}/.exec(source.slice(at, at + 24));
  if (!m) return null;
  const max = m[2] === undefined ? Number(m[1]) : m[3] === '' ? Infinity : Number(m[3]);
  return { max, end: at + m[0].length - 1 };
}

// Go symbols a sed script addresses: `/func invertGSOChecksum/,/^}/ s/…/…/` edits one function,
// so that function's upstream body is worth watching even while the sed still matches.
// An address regex naming a declaration: `func Name`, `func (r *Recv) Name`, `type Name`, `var Name`.
const DECL_RE =
  /(?:^|[^\w])func[ \t]+(?:\([ \t]*\w*[ \t]*\*?[ \t]*(?<recv>\w+)(?:\[[^\]]*\])?[ \t]*\)[ \t]*)?(?<func>[\p{L}_][\p{L}\p{Nd}_]*)|(?:^|[^\w])(?:type|var|const)[ \t]+(?<decl>[\p{L}_][\p{L}\p{Nd}_]*)/u;

/** `Name` or `Recv.Method` for each address of the script that names a Go declaration, without duplicates. */
export function symbolsInSedScript(script: string): string[] {
  const found = new Set<string>();
  for (const command of parseSedScript(script, false).others) {
    for (const address of leadingAddresses(command)) {
      // BRE escapes (`\*`, `\(`) stand for the plain characters in Go source.
      const m = DECL_RE.exec(address.replace(/\\(.)/g, '$1'));
      if (!m?.groups) continue;
      const { recv, func, decl } = m.groups;
      found.add(func !== undefined ? (recv !== undefined ? `${recv}.${func}` : func) : decl!);
    }
  }
  return [...found];
}

/** The `/regex/` (or `\cregexc`) addresses at the start of a command: one, or two joined by a comma. */
function leadingAddresses(command: string): string[] {
  const out: string[] = [];
  let i = 0;
  for (let n = 0; n < 2; n++) {
    while (command[i] === ' ' || command[i] === '\t') i++;
    let delim = command[i];
    if (delim === '\\') delim = command[++i];
    else if (delim !== '/') break;
    if (delim === undefined) break;
    let k = i + 1;
    while (k < command.length && command[k] !== delim) k += command[k] === '\\' ? 2 : 1;
    out.push(command.slice(i + 1, k));
    i = k + 1;
    while (command[i] === ' ' || command[i] === '\t') i++;
    if (command[i] !== ',') break;
    i++;
  }
  return out;
}
