import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { expectedMinOmits, loadFacts } from '../../test/helpers/featuretags-facts.ts';
import { parseFeatureTags } from './parse-featuretags.ts';
import { emulateFeatureTags, requires, type FeatureTagsInput } from './resolve-selection.ts';
import type { FeatureMeta } from './types.ts';

const tableOf = (name: string) => parseFeatureTags(readFileSync(new URL(`./__fixtures__/${name}`, import.meta.url), 'utf8')).table;
const v1985 = tableOf('featuretags/v1.98.5.go');

describe('requires', () => {
  it('flags advertiseexitnode → peerapiserver: an exit node needs peerapiserver and, through advertiseroutes, c2n', () => {
    assert.deepStrictEqual([...requires(v1985, 'advertiseexitnode')], ['advertiseexitnode', 'peerapiserver', 'advertiseroutes', 'c2n']);
  });

  it('gives a feature without Deps only itself', () => {
    assert.deepStrictEqual([...requires(v1985, 'dns')], ['dns']);
  });

  it('gives an unknown feature only itself, as upstream does', () => {
    assert.deepStrictEqual([...requires(v1985, 'nosuchfeature')], ['nosuchfeature']);
  });

  it('terminates on a Deps cycle and returns every feature on it', () => {
    const cycle = tableOf('featuretags-edge/cycle.go');
    assert.deepStrictEqual([...requires(cycle, 'c')], ['c', 'a', 'b']);
  });
});

const parsed = (name: string) => parseFeatureTags(readFileSync(new URL(`./__fixtures__/${name}`, import.meta.url), 'utf8'));
const parsed1985 = parsed('featuretags/v1.98.5.go');
// Local time, as Go's log package prints it.
const now = new Date(2026, 0, 2, 3, 4, 5);
const PREFIX = '2026/01/02 03:04:05 ';

function inline(features: Record<string, Partial<FeatureMeta>>): FeatureTagsInput {
  const table = new Map(Object.entries(features).map(([n, m]) => [n, { sym: n, desc: '', deps: [], flags: [], ...m }]));
  return { table, constants: new Map([['CLI', 'cli']]) };
}

describe('emulateFeatureTags: facts replay of --min --add=osrouter', () => {
  for (const [tag, facts] of Object.entries(loadFacts())) {
    it(`${tag}: omits exactly the omittable features osrouter does not require, sorted`, () => {
      const out = emulateFeatureTags(parsed(`featuretags/${tag}.go`), tag, { min: true, add: ['osrouter'] });
      assert.deepStrictEqual(out, { stdout: `${expectedMinOmits(facts, 'osrouter').join(',')}\n`, stderr: '', exitCode: 0, exact: true });
    });
  }
});

describe('emulateFeatureTags: --add', () => {
  it('keeps the Deps of an added feature: --add=advertiseexitnode keeps peerapiserver, advertiseroutes and c2n', () => {
    const omitted = emulateFeatureTags(parsed1985, 'v1.98.5', { min: true, add: ['advertiseexitnode'] })
      .stdout.trim()
      .split(',');
    for (const kept of ['advertiseexitnode', 'peerapiserver', 'advertiseroutes', 'c2n'])
      assert.ok(!omitted.includes(`ts_omit_${kept}`), kept);
    assert.ok(omitted.includes('ts_omit_useexitnode'));
    assert.equal(omitted.length, parsed1985.table.size - 1 - 4);
  });

  it('splits comma lists and ignores empty and unknown names like upstream', () => {
    const a = emulateFeatureTags(parsed1985, 'v1.98.5', { min: true, add: ['dns,,osrouter', '', 'nosuchfeature'] });
    const b = emulateFeatureTags(parsed1985, 'v1.98.5', { min: true, add: ['osrouter', 'dns'] });
    assert.equal(a.stdout, b.stdout);
    assert.ok(!a.stdout.includes('ts_omit_dns'));
  });

  it('prints ts_include_cli, sorted before the omit tags, when the CLI is added', () => {
    assert.equal(emulateFeatureTags(parsed1985, 'v1.98.5', { add: ['cli'] }).stdout, 'ts_include_cli\n');
    assert.match(emulateFeatureTags(parsed1985, 'v1.98.5', { min: true, add: ['cli'] }).stdout, /^ts_include_cli,ts_omit_ace,/);
  });

  it('prints nothing at all without --min, --add=cli or --remove', () => {
    assert.deepStrictEqual(emulateFeatureTags(parsed1985, 'v1.98.5', { add: ['osrouter'] }), {
      stdout: '',
      stderr: '',
      exitCode: 0,
      exact: true,
    });
  });
});

describe('emulateFeatureTags: --remove', () => {
  it('omits removed features once, even when --min omits them too', () => {
    assert.equal(emulateFeatureTags(parsed1985, 'v1.98.5', { remove: ['netlog,logtail'] }).stdout, 'ts_omit_logtail,ts_omit_netlog\n');
    const min = emulateFeatureTags(parsed1985, 'v1.98.5', { min: true, remove: ['ace'] }).stdout.split(',');
    assert.equal(min.filter((t) => t.trim() === 'ts_omit_ace').length, 1);
  });

  it('fails like log.Fatalf, through go run, on an unknown feature', () => {
    assert.deepStrictEqual(emulateFeatureTags(parsed1985, 'v1.98.5', { remove: ['nosuchfeature'] }, { now }), {
      stdout: '',
      stderr: `${PREFIX}unknown feature "nosuchfeature" in --remove\nexit status 1\n`,
      exitCode: 1,
      exact: true,
    });
  });

  it('refuses to remove a feature another kept feature depends on', () => {
    assert.deepStrictEqual(emulateFeatureTags(parsed1985, 'v1.98.5', { min: true, remove: ['logtail'] }, { now }), {
      stdout: '',
      stderr: `${PREFIX}cannot remove "logtail" without also removing "netlog", which depends on it\nexit status 1\n`,
      exitCode: 1,
      exact: true,
    });
  });

  it('says the output is not exact when upstream would pick one of several dependents at random', () => {
    const out = emulateFeatureTags(parsed1985, 'v1.98.5', { remove: ['peerapiserver'] }, { via: 'binary' });
    assert.deepStrictEqual(out, {
      stdout: '',
      stderr: 'cannot remove "peerapiserver" without also removing "advertiseexitnode", which depends on it\n',
      exitCode: 1,
      exact: false,
    });
  });

  it('panics, as OmitTag does, when asked to remove the CLI', () => {
    const goRun = emulateFeatureTags(parsed1985, 'v1.98.5', { remove: ['cli'] });
    assert.deepStrictEqual(goRun, {
      stdout: '',
      stderr: 'panic: not omitable: cli\n\ngoroutine 1 [running]:\nexit status 2\n',
      exitCode: 1,
      exact: false,
    });
    assert.equal(emulateFeatureTags(parsed1985, 'v1.98.5', { remove: ['cli'] }, { via: 'binary' }).exitCode, 2);
  });

  it('quotes odd names the way Go %q does', () => {
    const out = emulateFeatureTags(parsed1985, 'v1.98.5', { remove: ['a"b\\\n\u0007\u00e9\u200b'] });
    assert.equal(out.stderr, 'unknown feature "a\\"b\\\\\\n\\aé\\u200b" in --remove\nexit status 1\n');
  });
});

describe('emulateFeatureTags: --list', () => {
  it('prints every feature right-aligned in 20 columns with its description, and nothing else', () => {
    const out = emulateFeatureTags(parsed1985, 'v1.98.5', { list: true, min: true, remove: ['nosuchfeature'] });
    const lines = out.stdout.split('\n');
    assert.equal(lines[0], '                 ace: fixture text for ace');
    assert.equal(lines.length, parsed1985.table.size + 1);
    assert.equal(out.exitCode, 0);
  });

  it('pads by runes, never truncates, and sorts by bytes as Go does', () => {
    const input = inline({
      z: { desc: 'z' },
      ｚ: { desc: 'fullwidth' },
      '𝔸': { desc: 'astral' },
      über: { desc: 'u' },
      Z: {},
      averyveryverylongfeaturename: { desc: 'long' },
    });
    assert.equal(
      emulateFeatureTags(input, 'v1.102.3', { list: true }).stdout,
      [
        '                   Z: ',
        'averyveryverylongfeaturename: long',
        '                   z: z',
        '                über: u',
        '                   ｚ: fullwidth',
        '                   𝔸: astral',
        '',
      ].join('\n'),
    );
  });
});

describe('emulateFeatureTags: Deps cycles', () => {
  const cycle = parsed('featuretags-edge/cycle.go');

  it('overflows the stack like upstream when --add reaches a cycle', () => {
    assert.deepStrictEqual(emulateFeatureTags(cycle, 'v1.98.5', { min: true, add: ['c'] }), {
      stdout: '',
      stderr: 'runtime: goroutine stack exceeds 1000000000-byte limit\nfatal error: stack overflow\nexit status 2\n',
      exitCode: 1,
      exact: false,
    });
  });

  it('overflows on any --remove, because upstream walks every feature for dependents', () => {
    assert.equal(emulateFeatureTags(cycle, 'v1.98.5', { remove: ['d'] }).stderr.split('\n')[1], 'fatal error: stack overflow');
  });

  it('works for features away from the cycle', () => {
    assert.equal(emulateFeatureTags(cycle, 'v1.98.5', { min: true, add: ['d'] }).stdout, 'ts_omit_a,ts_omit_b,ts_omit_c\n');
  });
});
