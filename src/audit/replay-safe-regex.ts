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
