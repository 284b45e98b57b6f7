import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { normaliseTarPath, resolveLinkTarget, whiteoutEntry } from './tar-path.ts';

describe('normaliseTarPath', () => {
  it('makes tar names absolute and drops the root and escaping names', () => {
    assert.deepStrictEqual(['./usr//bin/', 'etc/passwd', '/abs', './', '.', '../etc/shadow'].map(normaliseTarPath), ['/usr/bin', '/etc/passwd', '/abs', null, null, null]);
  });
});

describe('whiteoutEntry', () => {
  it('reads .wh. files, opaque markers, and ignores aufs bookkeeping', () => {
    assert.deepStrictEqual(whiteoutEntry('/etc/.wh.old.conf'), { kind: 'whiteout', path: '/etc/old.conf' });
    assert.deepStrictEqual(whiteoutEntry('/.wh.tmp'), { kind: 'whiteout', path: '/tmp' });
    assert.deepStrictEqual(whiteoutEntry('/var/cache/.wh..wh..opq'), { kind: 'opaque', path: '/var/cache' });
    assert.deepStrictEqual(whiteoutEntry('/.wh..wh.plnk'), { kind: 'other', path: '/.wh..wh.plnk' });
    assert.equal(whiteoutEntry('/etc/what.wh.ever'), null);
  });
});

describe('resolveLinkTarget', () => {
  it('resolves relative targets against the link directory and clamps at the root', () => {
    assert.equal(resolveLinkTarget('/usr/bin/ts', '../local/bin/x'), '/usr/local/bin/x');
    assert.equal(resolveLinkTarget('/a/b', '/abs/c'), '/abs/c');
    assert.equal(resolveLinkTarget('/a', '../../../etc'), '/etc');
  });
});
