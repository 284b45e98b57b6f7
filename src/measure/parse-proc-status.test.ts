import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { parseProcStatus } from './parse-proc-status.ts';

describe('parseProcStatus', () => {
  it('reads name, pid, VmRSS and VmHWM in bytes from a real status file (routerd under qemu-arm)', () => {
    const text = readFileSync(new URL('./__fixtures__/proc/status-routerd-qemu-armv7.txt', import.meta.url), 'utf8');
    assert.deepStrictEqual(parseProcStatus(text), { name: 'routerd', pid: 7336, vmRssBytes: 22264 * 1024, vmHwmBytes: 22264 * 1024 });
  });

  it('has no memory figures for a kernel thread, which lacks the Vm lines', () => {
    assert.deepStrictEqual(parseProcStatus('Name:\tkworker/0:1\nState:\tI (idle)\nPid:\t12\n'), {
      name: 'kworker/0:1', pid: 12, vmRssBytes: null, vmHwmBytes: null,
    });
  });

  it('returns null for text that is not a status file', () => {
    assert.equal(parseProcStatus(''), null);
    assert.equal(parseProcStatus('cat: can\'t open \'/proc/1/status\': No such file or directory\n'), null);
  });
});
