// Deterministic input generation for the parser fuzz test: a seeded PRNG (mulberry32) and
// mutations that break what parsers lean on: quotes, brackets, line continuations, hunk
// headers, repeated slices (super-linear blow-ups), truncation, NUL and lone surrogates.
export type Rng = () => number;

/** mulberry32: tiny, fast and good enough to pick mutations reproducibly. */
export function mulberry32(seed: number): Rng {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The generator for input `index` of a run: each input is reproducible on its own. */
export function rngFor(seed: number, index: number): Rng {
  return mulberry32((seed ^ Math.imul(index + 1, 0x9e3779b1)) >>> 0);
}

const ODD = [
  '\u0000',
  '\uD800',
  '\uFFFD',
  '\r',
  '\t',
  '\\',
  '\n',
  ' ',
  '"',
  "'",
  '`',
  '{',
  '}',
  '(',
  ')',
  '[',
  ']',
  ',',
  ';',
  '#',
  '/',
  '*',
  '=',
  '$',
  '|',
  '@',
  '+',
  '-',
];

const int = (rng: Rng, n: number) => Math.floor(rng() * n);
const pick = <T>(rng: Rng, xs: readonly T[]): T => xs[int(rng, xs.length)]!;

function mutateOnce(rng: Rng, text: string, tokens: readonly string[], seeds: readonly string[]): string {
  const at = int(rng, text.length + 1);
  switch (int(rng, 8)) {
    case 0: // replace a character
      return text.slice(0, at) + pick(rng, ODD) + text.slice(at + 1);
    case 1: // insert a grammar token
      return text.slice(0, at) + pick(rng, tokens) + text.slice(at);
    case 2: // delete a range
      return text.slice(0, at) + text.slice(at + int(rng, 200));
    case 3: {
      // repeat a slice many times (looks for quadratic behaviour)
      const slice = text.slice(at, at + 1 + int(rng, 40));
      return text.slice(0, at) + slice.repeat(2 + int(rng, 2000)) + text.slice(at);
    }
    case 4: // truncate
      return text.slice(0, at);
    case 5: {
      // splice in part of another seed
      const other = pick(rng, seeds);
      const from = int(rng, other.length);
      return text.slice(0, at) + other.slice(from, from + int(rng, 2000)) + text.slice(at);
    }
    case 6: {
      // shuffle lines
      const lines = text.split('\n');
      for (let i = lines.length - 1; i > 0; i--) {
        const j = int(rng, i + 1);
        [lines[i], lines[j]] = [lines[j]!, lines[i]!];
      }
      return lines.join('\n');
    }
    default: // random characters
      return (
        text.slice(0, at) + Array.from({ length: 1 + int(rng, 64) }, () => String.fromCharCode(int(rng, 0x3000))).join('') + text.slice(at)
      );
  }
}

/** One fuzz input: mostly a seed with 1–5 mutations, sometimes pure noise. */
export function fuzzInput(rng: Rng, seeds: readonly string[], tokens: readonly string[]): string {
  if (rng() < 0.05) return Array.from({ length: int(rng, 4096) }, () => String.fromCharCode(int(rng, 0x80))).join('');
  let text = pick(rng, seeds);
  for (let n = 1 + int(rng, 5); n > 0; n--) text = mutateOnce(rng, text, tokens, seeds);
  return text;
}

/**
 * Grow `text` to about `bytes` by repeating one unit many times at one place: a grammar token,
 * a slice of the text, or both. Repeated structure is what turns a quadratic parser into a
 * hang, and it takes megabytes, not the kilobytes of a mutation, to see it within a budget.
 */
export function scaleUp(rng: Rng, text: string, tokens: readonly string[], bytes: number): string {
  const at = int(rng, text.length + 1);
  const slice = text.slice(at, at + 1 + int(rng, 80));
  const kind = int(rng, 4);
  const unit = kind <= 1 ? pick(rng, tokens) : kind === 2 ? slice || pick(rng, tokens) : pick(rng, tokens) + slice;
  return text.slice(0, at) + unit.repeat(Math.max(1, Math.ceil(bytes / unit.length))) + text.slice(at);
}
