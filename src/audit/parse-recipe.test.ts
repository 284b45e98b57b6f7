import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { parseBuildConstraints, parseRecipe } from './parse-recipe.ts';

const recipeFixture = (name: string) => readFileSync(new URL(`./__fixtures__/recipes/${name}`, import.meta.url), 'utf8');
const exampleDockerfile = readFileSync(new URL('../../test/fixtures/target-repo/Dockerfile', import.meta.url), 'utf8');
const brief = (r: ReturnType<typeof parseRecipe>) => ({
  featuretags: r.featuretags,
  seds: r.seds.map((s) => ({ source: s.source, features: s.features, at: `${s.site.path}:${s.site.line}`, style: s.site.style })),
  optIns: r.optIns,
  includeTags: r.includeTags,
  diagnostics: r.diagnostics,
});

test('the example Dockerfile: featuretags flags, thirteen opt-ins in order, the cli prefix and no diagnostics', () => {
  const r = parseRecipe([{ path: 'Dockerfile', text: exampleDockerfile }]);
  assert.deepEqual(r.featuretags, {
    path: 'Dockerfile',
    line: 20,
    command: 'go run ./cmd/featuretags',
    min: true,
    add: ['osrouter'],
    remove: [],
  });
  assert.deepEqual(r.optIns, [
    'advertiseexitnode',
    'advertiseroutes',
    'useexitnode',
    'useroutes',
    'dns',
    'portmapper',
    'listenrawdisco',
    'health',
    'iptables',
    'unixsocketidentity',
    'ipnbus',
    'netstack',
    'gro',
  ]);
  assert.deepEqual(r.includeTags, ['ts_include_cli']);
  assert.deepEqual(r.diagnostics, []);
  // The first strip shares its line with `| sed`, the others sit alone on continuation lines; `s/,$//` strips nothing.
  assert.deepEqual(
    brief(r)
      .seds.map((s) => [s.at, s.style, s.features])
      .filter((_, k) => k === 0 || k === 1 || k === 13),
    [
      ['Dockerfile:21', 'e-arg', ['advertiseexitnode']],
      ['Dockerfile:22', 'own-line', ['advertiseroutes']],
      ['Dockerfile:34', 'e-arg', []],
    ],
  );
});

test('a RUN heredoc is read as a script; a `sed -i` source edit is not a strip', () => {
  assert.deepEqual(brief(parseRecipe([{ path: 'Dockerfile', text: recipeFixture('Dockerfile.heredoc') }])), {
    featuretags: { path: 'Dockerfile', line: 7, command: 'go run ./cmd/featuretags', min: true, add: ['osrouter'], remove: [] },
    seds: [
      { source: 's/ts_omit_dns,\\{0,1\\}//g', features: ['dns'], at: 'Dockerfile:8', style: 'script' },
      { source: 's/ts_omit_netstack,\\{0,1\\}//g', features: ['netstack'], at: 'Dockerfile:8', style: 'script' },
    ],
    optIns: ['dns', 'netstack'],
    includeTags: ['ts_include_cli'],
    diagnostics: [],
  });
});

test('a script the Dockerfile runs: prebuilt ./tools/featuretags, `,\\?` strips, ERE alternation and a sed prefix', () => {
  const r = parseRecipe([
    { path: 'Dockerfile', text: recipeFixture('Dockerfile.script') },
    { path: 'scripts/build-tags.sh', text: recipeFixture('build-tags.sh') },
  ]);
  assert.deepEqual(brief(r), {
    featuretags: { path: 'scripts/build-tags.sh', line: 5, command: './tools/featuretags', min: true, add: ['osrouter'], remove: [] },
    seds: [
      { source: 's/,\\?ts_omit_useroutes//', features: ['useroutes'], at: 'scripts/build-tags.sh:7', style: 'script' },
      { source: 's/ts_omit_(gro|netstack),?//g', features: ['gro', 'netstack'], at: 'scripts/build-tags.sh:8', style: 'e-arg' },
      { source: 's/^/ts_include_cli,/', features: [], at: 'scripts/build-tags.sh:9', style: 'e-arg' },
    ],
    optIns: ['useroutes', 'gro', 'netstack'],
    includeTags: ['ts_include_cli'],
    diagnostics: [],
  });
});

test('several -e on one line and a ;-joined script are all strips', () => {
  const text = [
    'FROM golang:1.25-alpine',
    "RUN go run ./cmd/featuretags -min -add osrouter,dns | sed -e 's/ts_omit_gro,//' -e 's/ts_omit_netstack,//;s|ts_omit_health,||' > /tags",
  ].join('\n');
  const r = parseRecipe([{ path: 'Dockerfile', text }]);
  assert.deepEqual(r.featuretags?.add, ['osrouter', 'dns']);
  assert.deepEqual(r.optIns, ['gro', 'netstack', 'health']);
  assert.deepEqual(
    r.seds.map((s) => s.site.style),
    ['e-arg', 'script', 'script'],
  );
});

test('no featuretags call is a diagnostic, not a throw', () => {
  const r = parseRecipe([{ path: 'Dockerfile', text: 'FROM scratch\nRUN go build -tags ts_omit_aws ./cmd/tailscaled\n' }]);
  assert.equal(r.featuretags, null);
  assert.deepEqual(r.diagnostics, [
    { path: 'Dockerfile', line: 0, message: 'no featuretags call (go run ./cmd/featuretags …) found in Dockerfile' },
  ]);
});

test('what the audit cannot replay is named: a variable --add, an unknown flag, a POSIX class, a non-s command', () => {
  const text = [
    'FROM golang:1.25-alpine',
    'RUN go run ./cmd/featuretags --min --add=$FEATURES --verbose \\',
    "    | sed -e 's/ts_omit_[[:alpha:]]*dns,//' -e '/^$/d'",
  ].join('\n');
  const r = parseRecipe([{ path: 'Dockerfile', text }]);
  assert.deepEqual(
    r.diagnostics.map((d) => `${d.line}: ${d.message}`).sort(),
    [
      '2: featuretags --add=$FEATURES uses a variable the audit cannot resolve',
      '2: featuretags flag --verbose is not understood; the audit assumes it does not change the tag list',
      '3: sed command "/^$/d" is not a substitution; the audit ignores it',
      '3: sed expression "s/ts_omit_[[:alpha:]]*dns,//" uses regex syntax the audit cannot replay',
    ].sort(),
  );
});

test('featuretags without --min is reported: the strips would select nothing', () => {
  const r = parseRecipe([{ path: 'build.sh', text: "tags=$(go run ./cmd/featuretags --remove=aws | sed 's/ts_omit_dns,//')\n" }]);
  assert.deepEqual(r.diagnostics, [
    { path: 'build.sh', line: 1, message: 'featuretags runs without --min: every feature is kept, so the sed strips select nothing' },
  ]);
  assert.deepEqual(r.featuretags?.remove, ['aws']);
});

test('an unterminated RUN heredoc is a diagnostic with its line', () => {
  const r = parseRecipe([{ path: 'Dockerfile', text: 'FROM scratch\nRUN <<EOF\ngo run ./cmd/featuretags --min\n' }]);
  assert.deepEqual(
    r.diagnostics.map((d) => [d.line, d.message]),
    [
      [2, 'RUN heredoc <<EOF is never closed'],
      [0, 'no featuretags call (go run ./cmd/featuretags …) found in Dockerfile'],
    ],
  );
});

test('a comment line inside a continued RUN is dropped as Docker does, and lines stay true', () => {
  const text = [
    'RUN go run ./cmd/featuretags --min --add=osrouter \\',
    '    # keep DNS for MagicDNS',
    "    | sed -e 's/ts_omit_dns,//' \\",
    "          -e 's/ts_omit_gro,//' > /tags",
  ].join('\n');
  assert.deepEqual(
    parseRecipe([{ path: 'Dockerfile', text }]).seds.map((s) => [s.features[0], s.site.line, s.site.wordStart]),
    [
      ['dns', 3, 13],
      ['gro', 4, 13],
    ],
  );
});

test('a Dockerfile under another name and `go run -C dir` are still read', () => {
  const text = "FROM golang:1.25-alpine\nRUN go run -C /src -mod=mod ./cmd/featuretags --min | sed -e 's/ts_omit_dns,//' > /tags\n";
  const r = parseRecipe([{ path: 'build/router.containerfile.in', text }]);
  assert.deepEqual([r.featuretags?.command, r.featuretags?.line, r.optIns], ['go run -C /src -mod=mod ./cmd/featuretags', 2, ['dns']]);
});

test('`sed -e | sed …`: the bare -e is named and the next sed is still read as its own strip', () => {
  const text = "RUN go run ./cmd/featuretags --min --add | sed -e | sed 's/ts_omit_dns,//' > /tags\n";
  const r = parseRecipe([{ path: 'Dockerfile', text }]);
  assert.deepEqual(r.featuretags?.add, []);
  assert.deepEqual(r.optIns, ['dns']);
  assert.deepEqual(r.diagnostics, [{ path: 'Dockerfile', line: 1, message: 'sed -e has no argument after it' }]);
});

test('a bare RUN with nothing after it runs nothing and is no crash', () => {
  const r = parseRecipe([{ path: 'Dockerfile', text: "FROM scratch\nRUN\nRUN go run ./cmd/featuretags --min | sed 's/ts_omit_dns,//'\n" }]);
  assert.deepEqual([r.featuretags?.line, r.optIns], [3, ['dns']]);
});

test('the example patch builds under ts_omit_logtail', () => {
  const text = readFileSync(new URL('../../test/fixtures/target-repo/patches/nologupload.go', import.meta.url), 'utf8');
  assert.deepEqual(parseBuildConstraints([{ path: 'patches/nologupload.go', text }]), [
    { path: 'patches/nologupload.go', line: 4, expr: 'ts_omit_logtail', features: [{ feature: 'logtail', tag: 'ts_omit_logtail' }] },
  ]);
});

test('//go:build and legacy // +build lines are read; lines after package and non-Go files are not', () => {
  const go = [
    '/* block comment',
    '//go:build ts_omit_fake',
    '*/',
    '//go:build linux && (ts_omit_netstack || !ts_include_cli)',
    '// +build linux,ts_omit_netstack',
    '',
    'package main',
    '//go:build ts_omit_ignored',
  ].join('\n');
  assert.deepEqual(
    parseBuildConstraints([
      { path: 'patches/a.go', text: go },
      { path: 'patches/README.md', text: '//go:build ts_omit_dns\n' },
    ]).map((c) => [c.line, c.features.map((f) => f.tag)]),
    [
      [4, ['ts_omit_netstack', 'ts_include_cli']],
      [5, ['ts_omit_netstack']],
    ],
  );
});
