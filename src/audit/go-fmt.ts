// The bits of Go's fmt, strconv, sort and log output that cmd/featuretags relies on, so emulated
// output matches byte for byte: %q quoting, %20s padding (counted in runes), byte-wise string
// order, and the `log` package's default "2006/01/02 15:04:05 " prefix.

const PRINTABLE = /^[\p{L}\p{M}\p{N}\p{P}\p{S}]$/u;
const CONTROL_ESCAPES: Record<number, string> = { 7: '\\a', 8: '\\b', 12: '\\f', 10: '\\n', 13: '\\r', 9: '\\t', 11: '\\v' };

/** strconv.Quote: what `%q` prints for a string. */
export function goQuote(s: string): string {
  let out = '"';
  for (const ch of s) {
    const cp = ch.codePointAt(0)!;
    if (ch === '"' || ch === '\\') out += `\\${ch}`;
    else if (cp === 0x20 || (cp >= 0x21 && cp < 0x7f) || (cp > 0x7f && PRINTABLE.test(ch))) out += ch;
    else if (CONTROL_ESCAPES[cp]) out += CONTROL_ESCAPES[cp];
    else if (cp < 0x20 || cp === 0x7f) out += `\\x${hex(cp, 2)}`;
    else if (cp < 0x10000) out += `\\u${hex(cp, 4)}`;
    else out += `\\U${hex(cp, 8)}`;
  }
  return `${out}"`;
}

function hex(n: number, width: number): string {
  return n.toString(16).padStart(width, '0');
}

/** `%<width>s`: right-aligned, padded with spaces; fmt counts runes, not bytes. */
export function goPadLeft(s: string, width: number): string {
  const runes = [...s].length;
  return runes >= width ? s : ' '.repeat(width - runes) + s;
}

/** Go string order (bytes of UTF-8 = code point order; JS `<` compares UTF-16 units instead). */
export function compareGoStrings(a: string, b: string): number {
  const ia = a[Symbol.iterator]();
  const ib = b[Symbol.iterator]();
  while (true) {
    const x = ia.next();
    const y = ib.next();
    if (x.done || y.done) return x.done && y.done ? 0 : x.done ? -1 : 1;
    const d = x.value.codePointAt(0)! - y.value.codePointAt(0)!;
    if (d !== 0) return d;
  }
}

/** The prefix `log.Printf`/`log.Fatalf` write with the default flags (Ldate|Ltime, local time). */
export function goLogPrefix(now: Date): string {
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  return `${p(now.getFullYear(), 4)}/${p(now.getMonth() + 1)}/${p(now.getDate())} ${p(now.getHours())}:${p(now.getMinutes())}:${p(now.getSeconds())} `;
}
