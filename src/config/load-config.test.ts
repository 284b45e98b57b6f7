import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseConfig } from './load-config.ts';
import { ConfigError } from '../core/index.ts';

test('no config file gives the defaults of a typical router image repo: three router platforms', () => {
  const c = parseConfig(null);
  assert.deepEqual(c.platforms, ['linux/amd64', 'linux/arm64', 'linux/arm/v7']);
  assert.equal(c.measure.blockSize, 4096);
  assert.equal(c.recipe.optIn, 'auto');
});

test('human sizes in thresholds become bytes', () => {
  const c = parseConfig('thresholds:\n  image: { fail: { bytes: 128KiB, percent: "3%" } }\n');
  assert.deepEqual(c.thresholds?.image?.fail, { bytes: 131072, percent: 3 });
});

test('a mistyped key is an error naming its path, not a silent default', () => {
  assert.throws(
    () => parseConfig('thresholds:\n  image: { fial: { bytes: 1KiB, percent: 1 } }\n'),
    (err: unknown) => err instanceof ConfigError && err.issues.some((i) => i.path === 'thresholds.image' && /fial/.test(i.message)),
  );
});

test('a bad size names the field and the value', () => {
  assert.throws(
    () => parseConfig('measure: { blockSize: lots }'),
    (err: unknown) => err instanceof ConfigError && err.issues[0]?.path === 'measure.blockSize' && /lots/.test(err.issues[0].message),
  );
});

test('invalid YAML is a ConfigError with the line', () => {
  assert.throws(() => parseConfig('platforms: [linux/amd64\n'), ConfigError);
});

test('trigger.headRef that is not a regex is an error naming the field', () => {
  assert.throws(
    () => parseConfig('trigger: { headRef: "renovate/(tailscale" }'),
    (err: unknown) =>
      err instanceof ConfigError && err.issues[0]?.path === 'trigger.headRef' && /regular expression/.test(err.issues[0].message),
  );
});
