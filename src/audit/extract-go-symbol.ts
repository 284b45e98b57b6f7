// The source text of one top-level Go definition (func, method, var, const or type) by name,
// for the watch list: a change between two tags of e.g. tstun's invertGSOChecksum (the
// omitted-netstack panic) is worth a warning. Strings and comments are masked before braces
// are balanced, so a `}` in a string or comment cannot cut a definition short.

/** The definition's text without its doc comment, or null when the file does not define it. `Type.Method` selects a method. */
export function extractGoSymbol(source: string, identifier: string): string | null {
  const mask = maskGo(source);
  const [receiver, name] = identifier.includes('.') ? identifier.split('.', 2) as [string, string] : [null, identifier];
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
export function maskGo(source: string): string {
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
