import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { applyPatch } from 'diff';
import { parseConfig } from '../config/index.ts';
import type { Finding } from '../core/index.ts';
import { auditBump, suggestStrips, type AuditBumpInput } from './audit-bump.ts';
import { parseFeatureTags } from './parse-featuretags.ts';
import { parseRecipe } from './parse-recipe.ts';
import type { FeatureTable } from './types.ts';

const fixtureTable = (tag: string): FeatureTable =>
  parseFeatureTags(readFileSync(new URL(`./__fixtures__/featuretags/${tag}.go`, import.meta.url), 'utf8')).table;
const example = (name: string) => readFileSync(new URL(`../../test/fixtures/target-repo/${name}`, import.meta.url), 'utf8');

/** A small table: name → deps; `cli` is added as upstream's NotOmittable feature. */
function table(spec: Record<string, string[]>): FeatureTable {
  const t: FeatureTable = new Map([['cli', { sym: 'CLI', desc: '', deps: [], flags: ['NotOmittable'] }]]);
  for (const [name, deps] of Object.entries(spec)) t.set(name, { sym: name, desc: '', deps, flags: [] });
  return t;
}

function dockerfile(strips: string[], flags = '--min --add=osrouter'): { path: string; text: string } {
  const lines = [
    `RUN go run ./cmd/featuretags ${flags} \\`,
    `    | sed ${strips.map((f) => `-e 's/ts_omit_${f},\\{0,1\\}//g'`).join(' ')} \\`,
    '    > /tags',
  ];
  return { path: 'Dockerfile', text: `${lines.join('\n')}\n` };
}

function input(over: Partial<AuditBumpInput> & { files?: { path: string; text: string }[]; yaml?: string }): AuditBumpInput {
  const files = over.files ?? [dockerfile(['dns'])];
  return {
    fromTag: 'v1.98.8',
    toTag: 'v1.100.0',
    recipe: parseRecipe(files),
    recipeFiles: files,
    config: parseConfig(over.yaml ?? null),
    oldTable: table({ osrouter: [], dns: [] }),
    newTable: table({ osrouter: [], dns: [] }),
    patchFiles: [],
    watched: [],
    ...over,
  };
}

const brief = (findings: Finding[]) =>
  findings.map((f) => [f.severity, f.kind, f.features.join(' '), f.introduced ? 'new' : 'old', f.acknowledged ? 'ack' : '']);

test('flags advertiseexitnode → peerapiserver on the example bump, with a fix that clears every open blocker', () => {
  const files = [{ path: 'Dockerfile', text: example('Dockerfile') }];
  const base = input({
    files,
    yaml: example('.bumpguard.yml'),
    oldTable: fixtureTable('v1.98.8'),
    newTable: fixtureTable('v1.100.0'),
    patchFiles: [{ path: 'patches/nologupload.go', text: example('patches/nologupload.go') }],
  });
  const findings = auditBump(base);
  assert.deepEqual(brief(findings), [
    ['blocker', 'missing-dep', 'advertiseexitnode peerapiserver', 'old', ''],
    ['blocker', 'missing-dep', 'useexitnode peerapiclient', 'old', ''],
    ['info', 'missing-dep', 'advertiseroutes c2n', 'old', 'ack'],
    ['info', 'features-added', 'routecheck runtimemetrics', 'new', ''],
  ]);
  const fix = findings[0]!.fix!;
  assert.equal(findings[1]!.fix, fix);
  assert.deepEqual(
    fix.split('\n').filter((l) => /^[+-][^+-]/.test(l)),
    ["+              -e 's/ts_omit_peerapiserver,\\{0,1\\}//g' \\", "+              -e 's/ts_omit_peerapiclient,\\{0,1\\}//g' \\"],
  );
  assert.match(findings[0]!.detail!, /--min --add=osrouter,advertiseexitnode,.*,gro`.*also keep c2n/);
  const fixed = applyPatch(files[0]!.text, fix);
  assert.equal(typeof fixed, 'string');
  const after = auditBump({ ...base, recipe: parseRecipe([{ path: 'Dockerfile', text: fixed as string }]) });
  assert.deepEqual(
    brief(after).filter(([severity]) => severity === 'blocker'),
    [],
  );
});

test('a Dep added by the bump is an introduced missing-dep blocker plus a deps-changed warning', () => {
  const findings = auditBump(
    input({
      files: [dockerfile(['exitnode'])],
      oldTable: table({ osrouter: [], exitnode: [], peerapiserver: [] }),
      newTable: table({ osrouter: [], exitnode: ['peerapiserver'], peerapiserver: [] }),
    }),
  );
  assert.deepEqual(findings, [
    {
      severity: 'blocker',
      kind: 'missing-dep',
      features: ['exitnode', 'peerapiserver'],
      introduced: true,
      acknowledged: false,
      message: 'exitnode needs peerapiserver, which the recipe omits at v1.100.0',
      fix: [
        '--- a/Dockerfile',
        '+++ b/Dockerfile',
        '@@ -1,3 +1,3 @@',
        ' RUN go run ./cmd/featuretags --min --add=osrouter \\',
        "-    | sed -e 's/ts_omit_exitnode,\\{0,1\\}//g' \\",
        "+    | sed -e 's/ts_omit_exitnode,\\{0,1\\}//g' -e 's/ts_omit_peerapiserver,\\{0,1\\}//g' \\",
        '     > /tags',
        '',
      ].join('\n'),
      detail:
        "Alternatively, replace the strips with `go run ./cmd/featuretags --min --add=osrouter,exitnode`: upstream's featuretags keeps every Dep of what --add names, so future Deps are resolved for you.",
    },
    {
      severity: 'warning',
      kind: 'deps-changed',
      features: ['exitnode', 'peerapiserver'],
      introduced: true,
      acknowledged: false,
      message: "exitnode's Deps changed from v1.98.8 to v1.100.0: +peerapiserver",
    },
  ]);
});

test('a transitive gap is reported once, at the nearest opted-in feature, with its path', () => {
  const t = table({ osrouter: [], exitnode: ['routes'], routes: ['c2n'], c2n: [], relay: ['routes'] });
  const opted = auditBump(input({ files: [dockerfile(['exitnode', 'routes'])], oldTable: t, newTable: t }));
  assert.deepEqual(
    opted.map((f) => [f.features, f.message]),
    [[['routes', 'c2n'], 'routes needs c2n, which the recipe omits at v1.100.0']],
  );
  const direct = auditBump(input({ files: [dockerfile(['relay'])], oldTable: t, newTable: t }));
  assert.deepEqual(
    direct.map((f) => f.message),
    ['relay needs c2n (via routes), which the recipe omits at v1.100.0', 'relay needs routes, which the recipe omits at v1.100.0'],
  );
});

test('a feature removed upstream (lazywg at v1.98.0) blocks as unknown-feature and as patch-unknown-feature', () => {
  const findings = auditBump(
    input({
      fromTag: 'v1.96.5',
      toTag: 'v1.98.0',
      files: [dockerfile(['lazywg', 'dns'])],
      oldTable: fixtureTable('v1.96.5'),
      newTable: fixtureTable('v1.98.0'),
      patchFiles: [{ path: 'patches/wg.go', text: '//go:build !ts_omit_lazywg\n\npackage main\n' }],
    }),
  );
  assert.deepEqual(brief(findings), [
    ['blocker', 'unknown-feature', 'lazywg', 'new', ''],
    ['blocker', 'patch-unknown-feature', 'lazywg', 'new', ''],
    ['info', 'features-added', 'ipnbus tundevstats', 'new', ''],
    ['info', 'features-removed', 'lazywg', 'new', ''],
  ]);
  assert.deepEqual(
    findings.slice(0, 2).map((f) => f.message),
    [
      'lazywg does not exist at v1.98.0 (renamed or removed upstream): its strip `s/ts_omit_lazywg,\\{0,1\\}//g` matches nothing, so the build silently leaves it out',
      "patches/wg.go:1 builds under `ts_omit_lazywg`, but lazywg does not exist at v1.98.0: the patch's constraint no longer means what it did",
    ],
  );
});

test('no-op strips: kept by --add, never omittable, duplicated (info) and a comma-only regex missing the last tag (warning)', () => {
  const t = table({ osrouter: [], dns: [], zzz: [] });
  const text = [
    'RUN go run ./cmd/featuretags --min --add=osrouter \\',
    "    | sed -e 's/ts_omit_osrouter,\\{0,1\\}//g' -e 's/ts_omit_cli,//' -e 's/ts_omit_dns,\\{0,1\\}//g' \\",
    "          -e 's/ts_omit_dns,\\{0,1\\}//g' -e 's/ts_omit_zzz,//' > /tags",
  ].join('\n');
  const findings = auditBump(input({ files: [{ path: 'Dockerfile', text }], oldTable: t, newTable: t }));
  assert.deepEqual(
    findings.map((f) => [f.severity, f.kind, f.features[0], f.message.replace(/^.*does nothing for \w+: /, '')]),
    [
      ['warning', 'noop-strip', 'zzz', 'it does not match ts_omit_zzz in the featuretags output at v1.100.0, so zzz stays omitted'],
      ['info', 'noop-strip', 'cli', 'cli is never omitted'],
      ['info', 'noop-strip', 'dns', 'an earlier strip already brought dns back'],
      ['info', 'noop-strip', 'osrouter', '--add=osrouter already keeps osrouter'],
    ],
  );
});

test('watched symbols: a changed body warns with its diff, a vanished one warns, a missing entry says so', () => {
  const findings = auditBump(
    input({
      watched: [
        {
          file: 'net/tstun/wrap.go',
          symbol: 'invertGSOChecksum',
          old: 'func invertGSOChecksum() {\n\ta()\n}',
          new: 'func invertGSOChecksum() {\n\tb()\n}',
        },
        { file: 'net/tstun/wrap.go', symbol: 'gone', old: 'func gone() {}', new: null },
        { file: 'net/tstun/typo.go', symbol: 'nowhere', old: null, new: null },
        { file: 'net/tstun/wrap.go', symbol: 'same', old: 'var same = 1', new: 'var same = 1' },
      ],
    }),
  );
  assert.deepEqual(
    findings.map((f) => [f.severity, f.introduced, f.message]),
    [
      ['warning', true, 'watched gone (net/tstun/wrap.go) no longer exists at v1.100.0 (moved, renamed or removed)'],
      ['warning', true, 'watched invertGSOChecksum (net/tstun/wrap.go) changed between v1.98.8 and v1.100.0'],
      [
        'warning',
        false,
        'watched nowhere (net/tstun/typo.go) exists at neither v1.98.8 nor v1.100.0; check the watch entry in .bumpguard.yml',
      ],
    ],
  );
  assert.deepEqual(
    findings[1]!.detail!.split('\n').filter((l) => /^[+-]\t/.test(l)),
    ['-\ta()', '+\tb()'],
  );
});

test('an unreadable recipe blocks with how to fix it, and the upstream changes are still reported', () => {
  const t2 = table({ osrouter: [], dns: [], fresh: [] });
  const findings = auditBump(input({ recipe: null, recipeFiles: [], newTable: t2 }));
  assert.deepEqual(brief(findings), [
    ['blocker', 'recipe-unreadable', '', 'old', ''],
    ['info', 'features-added', 'fresh', 'new', ''],
  ]);
  assert.match(findings[0]!.message, /set recipe\.optIn in \.bumpguard\.yml/);
});

test('with recipe.optIn listed in config the audit runs on that list and the unreadable recipe is only info', () => {
  const t = table({ osrouter: [], exitnode: ['peerapiserver'], peerapiserver: [] });
  const findings = auditBump(input({ recipe: null, recipeFiles: [], yaml: 'recipe: { optIn: [exitnode] }', oldTable: t, newTable: t }));
  assert.deepEqual(
    findings.map((f) => [f.severity, f.kind, f.message]),
    [
      [
        'blocker',
        'missing-dep',
        'exitnode needs peerapiserver, which the recipe omits at v1.100.0; add peerapiserver to recipe.optIn and to the recipe',
      ],
      ['info', 'recipe-unreadable', 'parts of the recipe cannot be read; the opt-ins come from recipe.optIn in .bumpguard.yml'],
    ],
  );
});

test('a partly unreadable recipe is a warning listing what could not be read', () => {
  const files = [
    { path: 'Dockerfile', text: "RUN go run ./cmd/featuretags --min --add=osrouter | sed -e 's/ts_omit_dns,\\{0,1\\}//' -e '/x/d'\n" },
  ];
  const findings = auditBump(input({ files }));
  assert.deepEqual(
    findings.map((f) => [f.severity, f.kind, f.detail]),
    [['warning', 'recipe-unreadable', 'Dockerfile:1: sed command "/x/d" is not a substitution; the audit ignores it']],
  );
});

test('acknowledged gaps become info with the reason; an entry without dep covers every dep of that feature', () => {
  const t = table({ osrouter: [], exitnode: ['peerapiserver', 'c2n'], peerapiserver: [], c2n: [] });
  const findings = auditBump(
    input({
      files: [dockerfile(['exitnode'])],
      yaml: 'acknowledge: [{ feature: exitnode, reason: "exit node without ExitDNS" }]',
      oldTable: t,
      newTable: t,
    }),
  );
  assert.deepEqual(
    findings.map((f) => [f.severity, f.features.join(' '), f.acknowledged, f.acknowledgedReason, f.acknowledgedBy, f.fix]),
    [
      ['info', 'exitnode c2n', true, 'exit node without ExitDNS', '.bumpguard.yml', undefined],
      ['info', 'exitnode peerapiserver', true, 'exit node without ExitDNS', '.bumpguard.yml', undefined],
    ],
  );
});

test('an acknowledgment that matches nothing is reported; introduced when the bump made it stale', () => {
  const findings = auditBump(
    input({
      files: [dockerfile(['exitnode'])],
      yaml: 'acknowledge:\n  - { feature: exitnode, dep: peerapiserver, reason: old gap }\n  - { feature: dns, dep: c2n, reason: never matched }\n',
      oldTable: table({ osrouter: [], exitnode: ['peerapiserver'], peerapiserver: [], dns: [], c2n: [] }),
      newTable: table({ osrouter: [], exitnode: [], peerapiserver: [], dns: [], c2n: [] }),
    }),
  );
  assert.deepEqual(
    findings.map((f) => [f.severity, f.kind, f.features.join(' '), f.introduced]),
    [
      ['warning', 'deps-changed', 'exitnode peerapiserver', true],
      ['warning', 'stale-acknowledgment', 'dns c2n', false],
      ['warning', 'stale-acknowledgment', 'exitnode peerapiserver', true],
    ],
  );
  assert.equal(
    findings[2]!.message,
    'the acknowledgment of exitnode → peerapiserver in .bumpguard.yml matches nothing at v1.100.0; remove it or update it',
  );
});

test('a clean patch bump with a complete recipe has no findings at all', () => {
  const strips = [
    'advertiseexitnode',
    'advertiseroutes',
    'useexitnode',
    'useroutes',
    'dns',
    'netstack',
    'gro',
    'peerapiserver',
    'peerapiclient',
    'c2n',
  ];
  const findings = auditBump(
    input({
      fromTag: 'v1.98.8',
      toTag: 'v1.98.10',
      files: [dockerfile(strips)],
      oldTable: fixtureTable('v1.98.8'),
      newTable: fixtureTable('v1.98.10'),
      patchFiles: [{ path: 'patches/nologupload.go', text: example('patches/nologupload.go') }],
      watched: [{ file: 'net/tstun/wrap.go', symbol: 'invertGSOChecksum', old: 'func f() {}', new: 'func f() {}' }],
    }),
  );
  assert.deepEqual(findings, []);
});

test('findings come out in the same order whatever the recipe order (severity, kind, features)', () => {
  const t = table({ osrouter: [], a: ['x'], b: ['y'], x: [], y: [] });
  const one = auditBump(input({ files: [dockerfile(['b', 'a', 'gone'])], oldTable: t, newTable: t }));
  const two = auditBump(input({ files: [dockerfile(['gone', 'a', 'b'])], oldTable: t, newTable: t }));
  assert.deepEqual(
    one.map((f) => [f.kind, f.features]),
    [
      ['missing-dep', ['a', 'x']],
      ['missing-dep', ['b', 'y']],
      ['unknown-feature', ['gone']],
    ],
  );
  assert.deepEqual(
    two.map((f) => [f.kind, f.features]),
    one.map((f) => [f.kind, f.features]),
  );
});

test('featuretags failing at the new tag (--remove of a vanished feature) is a blocker', () => {
  const findings = auditBump(
    input({
      files: [dockerfile(['dns'], '--min --add=osrouter --remove=lazywg')],
      oldTable: table({ osrouter: [], dns: [], lazywg: [] }),
      newTable: table({ osrouter: [], dns: [] }),
    }),
  );
  assert.deepEqual(brief(findings), [
    ['blocker', 'unknown-feature', 'lazywg', 'new', ''],
    ['info', 'features-removed', 'lazywg', 'new', ''],
  ]);
  assert.equal(findings[0]!.message, 'featuretags fails at v1.100.0: unknown feature "lazywg" in --remove');
});

function fixFor(path: string, text: string, features: string[]): string | null {
  const files = [{ path, text }];
  const fix = suggestStrips(parseRecipe(files), files, features);
  if (fix) assert.equal(applyPatch(text, fix.patch), fix.text, 'the patch reproduces the suggested text');
  return fix?.text ?? null;
}

test('a strip alone on the final line of a RUN gets its siblings above it, each continued', () => {
  const text = [
    'RUN go run ./cmd/featuretags --min --add=osrouter | sed \\',
    "    -e 's/ts_omit_dns,\\{0,1\\}//g' \\",
    "    -e 's/ts_omit_gro,\\{0,1\\}//g'",
    '',
  ].join('\n');
  assert.equal(
    fixFor('Dockerfile', text, ['peerapiserver', 'peerapiclient']),
    [
      'RUN go run ./cmd/featuretags --min --add=osrouter | sed \\',
      "    -e 's/ts_omit_dns,\\{0,1\\}//g' \\",
      "    -e 's/ts_omit_peerapiserver,\\{0,1\\}//g' \\",
      "    -e 's/ts_omit_peerapiclient,\\{0,1\\}//g' \\",
      "    -e 's/ts_omit_gro,\\{0,1\\}//g'",
      '',
    ].join('\n'),
  );
});

test('a ;-joined script gets the new commands inside its quotes', () => {
  const text = "tags=$(./tools/featuretags --min --add=osrouter | sed 's/,\\?ts_omit_dns//;s/,\\?ts_omit_gro//')\n";
  assert.equal(
    fixFor('build.sh', text, ['peerapiserver']),
    "tags=$(./tools/featuretags --min --add=osrouter | sed 's/,\\?ts_omit_dns//;s/,\\?ts_omit_gro//;s/,\\?ts_omit_peerapiserver//')\n",
  );
});

test('double-quoted -e words keep their quote style', () => {
  const text = 'RUN go run ./cmd/featuretags --min | sed -e "s/ts_omit_dns,//" > /tags\n';
  assert.equal(
    fixFor('Dockerfile', text, ['c2n']),
    'RUN go run ./cmd/featuretags --min | sed -e "s/ts_omit_dns,//" -e "s/ts_omit_c2n,//" > /tags\n',
  );
});

test('without a single-feature strip to imitate there is no suggestion', () => {
  const text = "RUN go run ./cmd/featuretags --min | sed -E 's/ts_omit_(dns|gro),?//g' > /tags\n";
  assert.equal(fixFor('Dockerfile', text, ['c2n']), null);
});
