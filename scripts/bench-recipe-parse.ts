// Bench: the recipe parse on hostile PR Dockerfiles, which the audit reads before review. Each
// shape used to be quadratic or worse; the parse is linear now, so a megabyte takes about as long
// as a few hundred kilobytes times four. Prints figures only. Usage: node scripts/bench-recipe-parse.ts
import { parseRecipe } from '../src/audit/index.ts';

const KB = 1024;
type Shape = (bytes: number) => { path: string; text: string }[];
const dockerfile = (text: string) => [{ path: 'Dockerfile', text }];
const repeat = (unit: string, bytes: number) => unit.repeat(Math.ceil(bytes / unit.length));

/** name → generator, and the time the previous parser took on 256 KB (measured on this 2-core machine before the fix). */
const SHAPES: [string, Shape, string][] = [
  [
    '`sed -e | ` repeated on one RUN line',
    (n) => dockerfile(`RUN ${repeat('sed -e | ', n)}`),
    "17 s (24 s on the report's machine; 1 MB: no answer)",
  ],
  ['`A=1 ` assignment prefixes', (n) => dockerfile(`RUN ${repeat('A=1 ', n)}sed 's/ts_omit_x//'`), '58 s'],
  [
    'unterminated `s` commands in one sed script',
    (n) =>
      dockerfile(
        `RUN go run ./cmd/featuretags --min | sed '${Array.from({ length: n / 3 }, (_, i) => `s${String.fromCharCode(0x100 + (i % 0xd000))};`).join('')}'`,
      ),
    '119 s',
  ],
  [
    'a shell script with an unterminated quote',
    (n) => [
      { path: 'Dockerfile', text: 'RUN ./b.sh' },
      { path: 'b.sh', text: `echo '\n${repeat('x\n', n)}` },
    ],
    '12 s',
  ],
  [
    'a shell script of trailing pipes',
    (n) => [
      { path: 'Dockerfile', text: 'RUN ./b.sh' },
      { path: 'b.sh', text: repeat('echo |\n', n) },
    ],
    '3 s',
  ],
  [
    'RUN heredocs (stack overflow before)',
    (n) => dockerfile(repeat('RUN <<EOF\nx\nEOF\n', n)),
    '0.1 s, but a RangeError (stack overflow) at 2 MB',
  ],
];

function time(files: { path: string; text: string }[]): number {
  const started = performance.now();
  parseRecipe(files);
  return performance.now() - started;
}

console.log('recipe parse of hostile Dockerfiles: now at 256 KB / 1 MB / 4 MB, and the previous parser at 256 KB');
for (const [name, shape, before] of SHAPES) {
  const figures = [256 * KB, 1024 * KB, 4096 * KB].map((bytes) => `${time(shape(bytes)).toFixed(0)} ms`);
  console.log(`  ${name.padEnd(46)} ${figures.join(' / ').padEnd(28)} before: ${before}`);
}
