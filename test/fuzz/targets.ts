// The parsers under fuzz, their seed inputs (our real-format fixtures) and grammar tokens, and
// which throws are documented results rather than bugs.
import { readdirSync, readFileSync } from 'node:fs';
import { findSourceEdits, parseFeatureTags, parseRecipe } from '../../src/audit/index.ts';
import { parseCommand } from '../../src/bot/index.ts';
import { findTailscaleBumps } from '../../src/bump/index.ts';
import { BumpguardError } from '../../src/core/index.ts';
import { parseDnsOutput } from '../../src/measure/index.ts';
import { fuzzInput, rngFor, scaleUp } from './mutate.ts';

export interface FuzzTarget {
  seeds(): string[];
  tokens: string[];
  call(input: string): unknown;
  /** A throw the parser documents (a typed error), not a crash. */
  allowed(err: unknown): boolean;
  /** Known-hostile inputs (past blow-ups), run before the mutated ones under the same time budget. */
  hostile?(): string[];
  /** Every `every`-th input is grown to megabytes (`scaleUp`), for parsers that read whole files. */
  scale?: { every: number; minBytes: number; maxBytes: number };
}

/** Input `index` of a run on `target`: a mutated seed, or for scaled targets sometimes a grown one. */
export function caseInput(target: FuzzTarget, seeds: readonly string[], seed: number, index: number): string {
  const rng = rngFor(seed, index);
  const input = fuzzInput(rng, seeds, target.tokens);
  const scale = target.scale;
  if (scale === undefined || index % scale.every !== scale.every - 1) return input;
  return scaleUp(rng, input, target.tokens, scale.minBytes + Math.floor(rng() * (scale.maxBytes - scale.minBytes)));
}

const root = new URL('../../', import.meta.url);
const read = (path: string) => readFileSync(new URL(path, root), 'utf8');
const readDir = (dir: string, ext: RegExp) =>
  readdirSync(new URL(dir, root))
    .filter((f) => ext.test(f))
    .map((f) => read(`${dir}/${f}`));
const none = () => false;

export const TARGETS: Record<string, FuzzTarget> = {
  parseFeatureTags: {
    seeds: () => [
      ...['v1.90.0', 'v1.98.8', 'v1.102.3'].map((t) => read(`src/audit/__fixtures__/featuretags/${t}.go`)),
      ...readDir('src/audit/__fixtures__/featuretags-edge', /\.go$/),
    ],
    tokens: [
      'Deps: []FeatureTag{',
      '}',
      '{',
      '"',
      '`',
      '/*',
      '*/',
      '//',
      'var Features = map[FeatureTag]FeatureMeta{',
      'const CLI = "cli"',
      'func (ft FeatureTag) IsOmittable() bool {',
      '"\\',
      '+',
      'ImplementationDetail: true,',
      ':',
    ],
    call: (input) => parseFeatureTags(input),
    allowed: none,
  },
  parseRecipe: {
    seeds: () => [read('test/fixtures/target-repo/Dockerfile'), ...readDir('src/audit/__fixtures__/recipes', /./)],
    tokens: [
      '\\\n',
      "'",
      '"',
      '$(',
      ')',
      '`',
      '<<EOF\n',
      '\nEOF\n',
      " | sed -e 's/ts_omit_dns,\\{0,1\\}//g'",
      'go run ./cmd/featuretags --min --add=osrouter',
      'RUN ',
      ' && ',
      '; ',
      '#',
      'ts_include_cli,',
      '-tags=$TAGS',
      // Shapes that were quadratic: a bare `-e` before an operator, assignment prefixes, unterminated `s`, `\(` alternations.
      'sed -e | ',
      'A=1 ',
      "sed -i -e 's/x/y/' f.go ",
      's\u0101;',
      'ts_omit_\\(a\\|',
      '|\n',
      "'\n",
    ],
    call: (input) =>
      parseRecipe([
        { path: 'Dockerfile', text: input },
        { path: 'build-tags.sh', text: input.slice(input.length >> 1) },
      ]),
    allowed: none,
    scale: { every: 8, minBytes: 256 * 1024, maxBytes: 2 * 1024 * 1024 },
  },
  findSourceEdits: {
    seeds: () => [
      read('test/fixtures/target-repo/Dockerfile'),
      read('examples/router-image/Dockerfile'),
      ...readDir('src/audit/__fixtures__/recipes', /./),
    ],
    tokens: [
      '\\\n',
      "'",
      '"',
      '$(',
      ')',
      'RUN ',
      'WORKDIR /src/tailscale\n',
      'COPY patches/*.go ./cmd/tailscaled/\n',
      'FROM golang:1.25-alpine AS build\n',
      'RUN git clone https://github.com/tailscale/tailscale.git /src/tailscale\n',
      "sed -i -e '/func x/,/^}/ s/a/b/' net/tstun/wrap.go",
      'patch -p1 < /tmp/x.patch',
      'git apply /p/y.patch',
      'cd .. && ',
      'A=1 ',
      '--mount=type=bind,source=p,target=/p ',
      'ARG X=${Y}\n',
      ' && ',
      '; ',
      '|',
    ],
    call: (input) =>
      findSourceEdits({
        files: [
          { path: 'Dockerfile', text: input },
          { path: 'build.sh', text: input.slice(input.length >> 1) },
        ],
        context: '.',
        upstream: 'tailscale/tailscale',
        buildArgs: {},
      }),
    allowed: none,
    scale: { every: 8, minBytes: 256 * 1024, maxBytes: 2 * 1024 * 1024 },
  },
  findTailscaleBumps: {
    seeds: () => [...readDir('src/bump/__fixtures__', /\.diff$/), ...readDir('test/fixtures/pr', /\.diff$/)],
    tokens: [
      '@@ -1,3 +1,4 @@\n',
      '@@ -0,0 +1 @@\n',
      '--- a/Dockerfile\n',
      '+++ b/Dockerfile\n',
      'diff --git a/Dockerfile b/Dockerfile\n',
      '\\ No newline at end of file\n',
      '+ARG TAILSCALE_VERSION=v1.98.9\n',
      '-ARG TAILSCALE_VERSION=v1.98.8\n',
      ' # renovate: datasource=github-releases depName=tailscale\n',
      '--- /dev/null\n',
      'rename from x\n',
    ],
    call: (input) => findTailscaleBumps(input),
    // Documented in find-bumps.ts: a malformed version-file hunk, or a huge one, is not "no bump".
    allowed: (err) => err instanceof BumpguardError && (err.code === 'diff-unreadable' || err.code === 'diff-too-large'),
  },
  parseDnsOutput: {
    seeds: () => readDir('src/measure/canary/__fixtures__/dns', /\.txt$/),
    tokens: [
      ';; ->>HEADER<<- opcode: QUERY, status: NOERROR, id: 1\n',
      ';; flags: qr rd ra;',
      ';; Query time: 12 msec\n',
      'google.com.\t\t300\tIN\tA\t142.250.0.1\n',
      'Server:\t\t100.100.100.100\n',
      'Address:',
      'Name:',
      "** server can't find",
      ';; connection timed out; no servers could be reached\n',
      'Non-authoritative answer:\n',
    ],
    call: (input) => parseDnsOutput(input),
    allowed: none,
  },
  parseCommand: {
    seeds: () => [
      '/rebuild arm64',
      '/accept size portmapper growth reviewed',
      'Thanks!\n\n/audit',
      '```\n/rebuild\n```\n/help',
      '> /accept all\n\n/rebuild linux/arm/v7, amd64',
      '~~~~\n/x\n~~~',
      '    /indented\n/accept ram',
      '/accept',
    ],
    tokens: [
      '/',
      '/rebuild ',
      '/accept ',
      '```',
      '~~~',
      '> ',
      '    ',
      '\r\n',
      'size ',
      'all ',
      '\t',
      '<!--',
      '-->',
      '\r',
      '\u2028',
      ' '.repeat(64),
    ],
    call: (input) => parseCommand(input),
    allowed: none,
    // Whitespace then a line terminator `.` does not match: a lazy-quantifier regex went cubic on these.
    hostile: () =>
      ['\r', '\u2028', '\u2029', '\r\r', 'x\r'].flatMap((end) => [
        `/rebuild${' '.repeat(6000)}${end}`,
        `/accept size ${'\t '.repeat(20_000)}${end}`,
        `${'/rebuild \n'.repeat(5000)}/rebuild${' '.repeat(4000)}${end}`,
        `> x\n`.repeat(10_000) + `/audit${' '.repeat(100_000)}${end}`,
      ]),
  },
};
