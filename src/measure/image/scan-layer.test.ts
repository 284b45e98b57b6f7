import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { elfFile, EM } from '../../../test/helpers/make-image-tar.ts';
import {
  expectedElfMachine,
  isUpxPacked,
  normaliseTarPath,
  parseElfHeader,
  resolveLinkTarget,
  toElfInfo,
  UPX_SCAN_BYTES,
  whiteoutEntry,
} from './scan-layer.ts';

describe('normaliseTarPath', () => {
  it('makes tar names absolute and drops the root and escaping names', () => {
    assert.deepStrictEqual(['./usr//bin/', 'etc/passwd', '/abs', './', '.', '../etc/shadow'].map(normaliseTarPath), [
      '/usr/bin',
      '/etc/passwd',
      '/abs',
      null,
      null,
      null,
    ]);
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

describe('parseElfHeader', () => {
  const cases = [
    { name: 'x86_64', eMachine: EM.x86_64, bits: 64, endian: 'le' },
    { name: 'aarch64', eMachine: EM.aarch64, bits: 64, endian: 'le' },
    { name: 'arm', eMachine: EM.arm, bits: 32, endian: 'le' },
    { name: 'i386', eMachine: EM.i386, bits: 32, endian: 'le' },
    { name: 'ppc64le', eMachine: EM.ppc64, bits: 64, endian: 'le' },
    { name: 'ppc64', eMachine: EM.ppc64, bits: 64, endian: 'be' },
    { name: 's390x', eMachine: EM.s390, bits: 64, endian: 'be' },
    { name: 'riscv64', eMachine: EM.riscv, bits: 64, endian: 'le' },
  ] as const;
  for (const c of cases) {
    it(`names a ${c.bits}-bit ${c.endian.toUpperCase()} e_machine ${c.eMachine} binary ${c.name}`, () => {
      const head = elfFile({ eMachine: c.eMachine, bits: c.bits, endian: c.endian, size: 64 });
      assert.deepStrictEqual(parseElfHeader(head), { machine: c.name, eMachine: c.eMachine, bits: c.bits, endian: c.endian });
    });
  }

  it("reads e_machine in the file's byte order (a big-endian aarch64 reads as 183, not 46848)", () => {
    const head = elfFile({ eMachine: EM.aarch64, bits: 64, endian: 'be', size: 64 });
    assert.equal(parseElfHeader(head)?.eMachine, 183);
  });

  it('keeps an unknown machine visible as EM_<n>', () => {
    assert.equal(parseElfHeader(elfFile({ eMachine: 9999, bits: 64, endian: 'le', size: 64 }))?.machine, 'EM_9999');
  });

  it('returns null for scripts, truncated headers and a bad class byte', () => {
    assert.equal(parseElfHeader(Buffer.from('#!/bin/sh\necho hello from a script\n')), null);
    assert.equal(parseElfHeader(elfFile({ eMachine: EM.arm, bits: 32, endian: 'le', size: 19 })), null);
    const bad = elfFile({ eMachine: EM.arm, bits: 32, endian: 'le', size: 64 });
    bad[4] = 3;
    assert.equal(parseElfHeader(bad), null);
  });
});

describe('expectedElfMachine', () => {
  it('maps the router platforms and their variants to the machine their binaries carry', () => {
    const platforms = [
      'linux/amd64',
      'linux/arm64',
      'linux/arm64/v8',
      'linux/arm/v7',
      'linux/arm/v6',
      'linux/386',
      'linux/ppc64le',
      'linux/s390x',
      'linux/riscv64',
      'linux/sparc64',
    ];
    assert.deepStrictEqual(platforms.map(expectedElfMachine), [
      'x86_64',
      'aarch64',
      'aarch64',
      'arm',
      'arm',
      'i386',
      'ppc64le',
      's390x',
      'riscv64',
      null,
    ]);
  });

  it('flags an amd64 binary in an arm64 image and never matches an unknown platform', () => {
    const amd64 = { machine: 'x86_64', eMachine: EM.x86_64, bits: 64, endian: 'le' } as const;
    assert.deepStrictEqual(toElfInfo('/bin/x', amd64, 'linux/arm64'), { path: '/bin/x', machine: 'x86_64', matches: false });
    assert.deepStrictEqual(toElfInfo('/bin/x', amd64, 'linux/amd64'), { path: '/bin/x', machine: 'x86_64', matches: true });
    assert.equal(toElfInfo('/bin/x', amd64, 'plan9/amd64').matches, false);
  });
});

describe('isUpxPacked', () => {
  it('finds the UPX! pack header after the program headers', () => {
    assert.equal(isUpxPacked(elfFile({ eMachine: EM.arm, bits: 32, endian: 'le', size: 4096, upx: true })), true);
  });

  it('finds UPX0 section names', () => {
    const pe = Buffer.alloc(1024);
    pe.write('UPX0', 0x1f8, 'latin1');
    assert.equal(isUpxPacked(pe), true);
  });

  it('says no for a plain ELF and for a marker past the first few KB', () => {
    assert.equal(isUpxPacked(elfFile({ eMachine: EM.arm, bits: 32, endian: 'le', size: 4096 })), false);
    const late = Buffer.alloc(UPX_SCAN_BYTES + 100);
    late.write('UPX!', UPX_SCAN_BYTES + 10, 'latin1');
    assert.equal(isUpxPacked(late), false);
  });
});
