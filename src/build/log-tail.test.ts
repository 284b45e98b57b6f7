import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LogTail } from './log-tail.ts';
import { errorLine } from './build-image.ts';

describe('LogTail', () => {
  it('keeps only the last lines, joining lines split across chunks', () => {
    const tail = new LogTail(3);
    assert.deepStrictEqual(tail.push('#1 [build 1/9] FROM scr'), []);
    assert.deepStrictEqual(tail.push('atch\n#2 DONE 0.0s\r\n#3 RUN ./tools/assemble\n#3 0.41 assembled 15'), [
      '#1 [build 1/9] FROM scratch', '#2 DONE 0.0s', '#3 RUN ./tools/assemble',
    ]);
    tail.line('$ docker save');
    assert.equal(tail.text(), '#3 RUN ./tools/assemble\n$ docker save\n#3 0.41 assembled 15');
  });
});

describe('errorLine', () => {
  it('picks the last BuildKit error line of a failed build', () => {
    const log = [
      '#9 [build 6/9] RUN ./tools/assemble',
      '#9 0.120 featuretags: no recorded feature table for v1.99.0',
      '#9 ERROR: executor failed running [/bin/busybox sh -euc ./tools/assemble]: exit code: 1',
      '------',
      'error: failed to solve: executor failed running [/bin/busybox sh -euc ./tools/assemble]: exit code: 1',
      '',
    ].join('\n');
    assert.equal(errorLine(log), 'error: failed to solve: executor failed running [/bin/busybox sh -euc ./tools/assemble]: exit code: 1');
    assert.equal(errorLine(''), 'no output');
  });
});

it('keeps an endless line cut, never whole', () => {
  const tail = new LogTail(5);
  for (let i = 0; i < 1000; i++) tail.push('x'.repeat(10_000));
  assert.ok(tail.text().length < 5000, `kept ${tail.text().length} chars`);
  tail.push('\ndone\n');
  assert.match(tail.text(), /… \(line cut\)\ndone$/);
});
