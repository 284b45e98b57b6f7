import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { EM, elfFile } from '../../test/helpers/make-image-tar.ts';
import { isUpxPacked, UPX_SCAN_BYTES } from './upx.ts';

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
