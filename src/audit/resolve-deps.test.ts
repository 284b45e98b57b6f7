import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { parseFeatureTags } from './parse-featuretags.ts';
import { requiredBy, requires } from './resolve-deps.ts';

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

describe('requiredBy', () => {
  it('lists every feature that needs c2n directly or through another feature, c2n included', () => {
    assert.deepStrictEqual([...requiredBy(v1985, 'c2n')].sort(), ['advertiseexitnode', 'advertiseroutes', 'bird', 'c2n', 'clientupdate', 'ssh']);
  });

  it('is the inverse of requires for every feature of a real table', () => {
    for (const a of v1985.keys()) {
      for (const b of v1985.keys()) assert.equal(requiredBy(v1985, b).has(a), requires(v1985, a).has(b), `${a} / ${b}`);
    }
  });

  it('names only table features: dependents of an unknown Dep, not the unknown itself', () => {
    const garbled = tableOf('featuretags-edge/garbled.go');
    assert.deepStrictEqual([...requiredBy(garbled, 'ghost')], ['baddep']);
    assert.deepStrictEqual([...requiredBy(v1985, 'nosuchfeature')], []);
  });

  it('terminates on a Deps cycle', () => {
    const cycle = tableOf('featuretags-edge/cycle.go');
    assert.deepStrictEqual([...requiredBy(cycle, 'a')], ['a', 'b', 'c']);
  });
});
