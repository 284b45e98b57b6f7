import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createGcPacer } from './gc-pacer.ts';

describe('createGcPacer', () => {
  it('asks for one incremental major GC per interval of bytes read', () => {
    const calls: unknown[] = [];
    const pace = createGcPacer(100, (options: unknown) => calls.push(options));
    for (let i = 0; i < 25; i++) pace(10);
    assert.deepStrictEqual(calls, [{ type: 'major', execution: 'async' }, { type: 'major', execution: 'async' }]);
  });

  it('does nothing when the process does not expose gc', () => {
    assert.doesNotThrow(() => createGcPacer(1, undefined)(10));
  });
});
