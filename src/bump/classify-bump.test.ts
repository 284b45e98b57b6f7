import { test } from 'node:test';
import assert from 'node:assert/strict';
import { classifyBump } from './classify-bump.ts';

test('semver classes tolerate the v prefix on either side', () => {
  assert.deepEqual(
    [
      classifyBump('v1.98.5', 'v1.98.8'),
      classifyBump('v1.98.10', '1.100.0'),
      classifyBump('v1.102.3', 'v2.0.0'),
      classifyBump('v1.102.3', 'v1.103.0-pre'),
      classifyBump('v1.100.0', 'v1.98.10'),
      classifyBump('latest', 'v1.98.8'),
      classifyBump('v1.98.8', 'v1.98.8'),
    ],
    ['patch', 'minor', 'major', 'prerelease', 'downgrade', 'unknown', 'unknown'],
  );
});
