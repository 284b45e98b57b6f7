import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { loadFacts, originalFacts, toFacts } from '../../test/helpers/featuretags-facts.ts';
import { parseFeatureTags } from './parse-featuretags.ts';

const fixture = (name: string) => readFileSync(new URL(`./__fixtures__/${name}`, import.meta.url), 'utf8');
const facts = loadFacts();

describe('parseFeatureTags: facts replay', () => {
  for (const [tag, expected] of Object.entries(facts)) {
    it(`${tag}: features, Deps (in order) and flags equal the recorded facts`, () => {
      const { table, diagnostics } = parseFeatureTags(fixture(`featuretags/${tag}.go`));
      assert.deepStrictEqual(diagnostics, []);
      assert.deepStrictEqual(toFacts(table), expected);
    });
  }

  const original = originalFacts();
  it('the in-repo facts copy matches the original named by BUMPGUARD_FEATURETAGS_FACTS', { skip: original.skip }, () => {
    assert.deepStrictEqual(loadFacts(), loadFacts(original.path!));
  });
});

describe('parseFeatureTags: layouts', () => {
  it('reads constants as keys, grouped decls, raw strings, conversions, escapes and a NotOmittable field', () => {
    const { table, constants, diagnostics } = parseFeatureTags(fixture('featuretags-edge/layouts.go'));
    assert.deepStrictEqual(diagnostics, []);
    assert.deepStrictEqual(
      [...constants],
      [
        ['CLI', 'cli'],
        ['Relay', 'relayserver'],
        ['prefix', 'ts_omit_'],
      ],
    );
    assert.deepStrictEqual(
      [...table],
      [
        ['cli', { sym: 'CLI', desc: 'raw "desc" with \\n kept', deps: [], flags: ['NotOmittable'] }],
        ['bootstrap', { sym: 'Bootstrap', desc: 'tab\there, quote " and éAA', deps: [], flags: ['NotOmittable'] }],
        ['relayserver', { sym: 'RelayServer', desc: 'relay server', deps: ['bootstrap', 'cli'], flags: ['NotOmittable'] }],
        ['debug', { sym: 'Debug', desc: 'x', deps: [], flags: [] }],
        ['über', { sym: 'Uber', desc: 'non-ASCII name', deps: [], flags: ['ImplementationDetail'] }],
      ],
    );
  });

  it('keeps source order in the table (the facts list features alphabetically)', () => {
    const { table } = parseFeatureTags(`package featuretags
var Features = map[FeatureTag]FeatureMeta{
	"zeta":  {Sym: "Zeta"},
	"alpha": {Sym: "Alpha", Deps: []FeatureTag{"zeta"}},
}`);
    assert.deepStrictEqual([...table.keys()], ['zeta', 'alpha']);
  });

  it('reads `return ft != X && ft != Y` as the not-omittable rule', () => {
    const { table } = parseFeatureTags(`package featuretags
const CLI FeatureTag = "cli"
type FeatureTag string
func (ft FeatureTag) IsOmittable() bool { return ft != CLI && ft != "core" }
type FeatureMeta struct { Sym string }
var Features = map[FeatureTag]FeatureMeta{"cli": {Sym: "CLI"}, "core": {Sym: "Core"}, "extra": {Sym: "Extra"}}`);
    assert.deepStrictEqual(
      [...table].map(([n, m]) => [n, m.flags]),
      [
        ['cli', ['NotOmittable']],
        ['core', ['NotOmittable']],
        ['extra', []],
      ],
    );
  });
});

describe('parseFeatureTags: bad input becomes diagnostics', () => {
  it('keeps what a file Go would reject still says and reports each problem with its line', () => {
    const { table, diagnostics } = parseFeatureTags(fixture('featuretags-edge/garbled.go'));
    assert.deepStrictEqual(
      [...table.keys()],
      ['cli', 'good', 'nocomma', 'dup', 'baddep', 'positional', 'colour', 'computed', 'unterminated'],
    );
    assert.deepStrictEqual(table.get('dup')?.sym, 'Dup');
    assert.deepStrictEqual(table.get('baddep')?.deps, ['ghost']);
    assert.deepStrictEqual(
      diagnostics.map((d) => `${d.line ?? '-'}: ${d.message}`),
      [
        '30: unterminated string literal starting on line 30',
        '19: the Features map literal is not closed',
        '22: missing comma in the Features map literal (Go would reject this file)',
        '31: missing comma in the Features map literal (Go would reject this file)',
        '24: duplicate feature "dup" (the first one is kept)',
        '25: feature "baddep": Deps: unsupported expression `helper ( )`',
        '26: feature "positional": expected `Field: value`, got `"Positional"`',
        '26: feature "positional": expected `Field: value`, got `"no field names"`',
        '26: feature "positional" has no Sym',
        '27: feature "colour": FeatureMeta has no field Colour',
        '28: feature "computed": Deps is not a []FeatureTag literal: `depsOf ( "good" )`',
        '29: Features key: unknown constant missingConst',
        '30: feature "unterminated": Desc: unsupported expression `"no end`',
        '-: feature "baddep" depends on unknown feature "ghost"',
      ],
    );
  });

  it('reports a file without a Features map', () => {
    const { table, diagnostics } = parseFeatureTags('package featuretags\n\nconst CLI FeatureTag = "cli"\n');
    assert.equal(table.size, 0);
    assert.deepStrictEqual(
      diagnostics.map((d) => d.message),
      [
        'no `type FeatureMeta struct` found; field names are not checked',
        'no `var Features = map[FeatureTag]FeatureMeta{…}` declaration found',
      ],
    );
  });

  it('reports an IsOmittable it cannot read and treats every feature as omittable', () => {
    const { table, diagnostics } = parseFeatureTags(`package featuretags
type FeatureTag string
func (ft FeatureTag) IsOmittable() bool { return !strings.HasPrefix(string(ft), "x") }
type FeatureMeta struct { Sym string }
var Features = map[FeatureTag]FeatureMeta{"xa": {Sym: "XA"}}`);
    assert.deepStrictEqual(table.get('xa')?.flags, []);
    assert.equal(diagnostics.length, 1);
    assert.match(diagnostics[0]!.message, /^IsOmittable: cannot read `.*strings/);
    assert.equal(diagnostics[0]!.line, 3);
  });

  it('never throws or hangs on truncated or mangled files', () => {
    const source = fixture('featuretags/v1.102.3.go');
    let seed = 42;
    const random = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    const junk = ['{', '}', '"', '`', '/*', '(', ':', ',', '\n', '\\', "'", '[]'];
    const started = performance.now();
    for (let k = 0; k < 400; k++) {
      const at = random(source.length);
      const mangled = k % 2 === 0 ? source.slice(0, at) : source.slice(0, at) + junk[random(junk.length)]! + source.slice(at + random(3));
      const { table, diagnostics } = parseFeatureTags(mangled);
      assert.ok(table instanceof Map && Array.isArray(diagnostics));
    }
    assert.ok(performance.now() - started < 10_000, 'mangled inputs must parse quickly');
  });
});

describe('parseFeatureTags: speed', () => {
  it('parses a full featuretags.go in a few milliseconds', () => {
    const source = fixture('featuretags/v1.102.3.go');
    for (let k = 0; k < 20; k++) parseFeatureTags(source);
    const started = performance.now();
    for (let k = 0; k < 50; k++) parseFeatureTags(source);
    const perParse = (performance.now() - started) / 50;
    assert.ok(perParse < 10, `one parse took ${perParse.toFixed(2)} ms`);
  });
});
