import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildPlatform, ram } from '../../test/helpers/check-result.ts';
import { parseConfig } from '../config/index.ts';
import type { Finding } from '../core/index.ts';
import { evaluateThresholds, exceedsLevel, tripLevel } from './thresholds.ts';

const KiB = 1024;
const MiB = 1024 * KiB;
const level = { bytes: 128 * KiB, percent: 3 };

test('a level trips only when both bytes and percent are exceeded', () => {
  const cases: [deltaBytes: number, deltaPercent: number | null, trips: boolean][] = [
    [200 * KiB, 5, true], // both over
    [200 * KiB, 2, false], // big image: +200 KiB is only 2%
    [2 * KiB, 40, false], // tiny image: +2 KiB is 40% but few bytes
    [128 * KiB, 5, false], // exactly the byte level is not over it
    [129 * KiB, 3, false], // exactly the percent level is not over it
    [129 * KiB, null, true], // base of 0 bytes: any growth is infinitely large
    [-200 * KiB, -5, false], // shrinking never trips
  ];
  for (const [bytes, percent, trips] of cases) {
    assert.equal(exceedsLevel(bytes, percent, level), trips, `${bytes} B, ${percent}%`);
  }
});

test('fail wins over warn; warn applies between the two levels', () => {
  const levels = { warn: { bytes: 32 * KiB, percent: 1 }, fail: level };
  assert.equal(tripLevel(200 * KiB, 5, levels), 'fail');
  assert.equal(tripLevel(64 * KiB, 1.5, levels), 'warn');
  assert.equal(tripLevel(64 * KiB, 0.9, levels), null);
  assert.equal(tripLevel(200 * KiB, 5, { warn: levels.warn }), 'warn');
});

function messages(findings: Finding[]): string[] {
  return findings.map((f) => `${f.severity} ${f.metric} ${f.message}`);
}

test('default levels: +212 KiB on a ~4 MB arm64 image fails image and flash, warns on rootfs and binary', () => {
  const p = buildPlatform('linux/arm64', {
    base: { image: 4_200_000, flash: 4_300_000 },
    head: { binaryGrowth: 217_500, image: 4_417_500, flash: 4_517_500 },
  });
  const { findings } = evaluateThresholds([p], parseConfig(null).thresholds);
  assert.deepEqual(messages(findings), [
    'blocker image linux/arm64 compressed image grew +212.4 KiB (+5.2%), over the fail level 128 KiB and 3%',
    'blocker flash linux/arm64 on-flash size grew +212.4 KiB (+5.1%), over the fail level 128 KiB and 3%',
    'warning rootfs linux/arm64 rootfs grew +212.4 KiB (+5.7%), over the warn level 64 KiB and 2%',
    'warning binary linux/arm64 main binary grew +212.4 KiB (+6.4%), over the warn level 64 KiB and 2%',
  ]);
});

test('a small growth under every level gives comparisons but no findings', () => {
  const p = buildPlatform('linux/amd64', { head: { binaryGrowth: 12_600 } });
  const { findings, comparisons } = evaluateThresholds([p], undefined);
  assert.deepEqual(findings, []);
  const image = comparisons.find((c) => c.metric === 'image');
  assert.equal(image?.level, null);
  const delta = image?.deltaBytes ?? null;
  assert.ok(delta !== null && delta > 12_000 && delta < 13_000);
});

test('a per-platform override tightens one arch and leaves the others on the top-level levels', () => {
  const config = parseConfig(
    [
      'thresholds:',
      '  image: { fail: { bytes: 128KiB, percent: 3 } }',
      '  platforms:',
      '    linux/arm/v7: { image: { fail: { bytes: 16KiB, percent: "0.5%" } } }',
    ].join('\n'),
  );
  const growth = { binaryGrowth: 40 * KiB };
  const platforms = ['linux/arm64', 'linux/arm/v7'].map((p) => buildPlatform(p, { head: growth }));
  const { findings } = evaluateThresholds(platforms, config.thresholds);
  const image = findings.filter((f) => f.metric === 'image');
  assert.deepEqual(
    image.map((f) => [f.platform, f.severity]),
    [
      ['linux/arm64', 'warning'],
      ['linux/arm/v7', 'blocker'],
    ],
  );
  assert.match(image[1]!.message, /over the fail level 16 KiB and 0\.5%$/);
});

test("RAM: a median rise within the runs' spread is noise, not a warning", () => {
  const p = buildPlatform('linux/amd64', {
    base: { ram: ram([12.0 * MiB, 12.9 * MiB, 12.3 * MiB]) },
    head: { ram: ram([12.8 * MiB, 12.1 * MiB, 13.0 * MiB]) },
  });
  const { findings, comparisons } = evaluateThresholds([p], undefined);
  assert.deepEqual(findings, []);
  const rss = comparisons.find((c) => c.metric === 'ramRss');
  assert.equal(rss?.withinNoise, true);
  assert.equal(rss?.runs, 3);
});

test('RAM: a rise beyond the spread and over both fail parts is a blocker naming the median', () => {
  const p = buildPlatform('linux/amd64', {
    base: { ram: ram([12.0 * MiB, 12.1 * MiB, 12.2 * MiB]) },
    head: { ram: ram([13.5 * MiB, 13.6 * MiB, 13.4 * MiB]) },
  });
  const { findings } = evaluateThresholds([p], undefined);
  assert.deepEqual(messages(findings.filter((f) => f.metric === 'ramRss')), [
    'blocker ramRss linux/amd64 RAM (RSS, median of 3 runs) grew +1.40 MiB (+11.6%), over the fail level 1 MiB and 8%',
  ]);
});

test('RAM: emulated figures are never compared with native ones, and the finding says why', () => {
  const p = buildPlatform('linux/arm64', {
    base: { ram: ram([6 * MiB, 6.1 * MiB, 6.2 * MiB], { emulated: true }) },
    head: { ram: ram([0.6 * MiB, 0.6 * MiB, 0.7 * MiB], { emulated: false }) },
  });
  const { findings, comparisons } = evaluateThresholds([p], undefined);
  assert.deepEqual(
    findings.map((f) => [f.severity, f.kind]),
    [['info', 'threshold']],
  );
  assert.match(
    findings[0]!.message,
    /^linux\/arm64 RAM not compared: the base was measured emulated \(qemu-user\) and the head natively; .*not comparable$/,
  );
  const ramComparisons = comparisons.filter((c) => c.metric.startsWith('ram'));
  assert.deepEqual(
    ramComparisons.map((c) => [c.deltaBytes, c.level, c.notComparable]),
    [
      [null, null, 'base measured emulated (qemu-user), head natively'],
      [null, null, 'base measured emulated (qemu-user), head natively'],
    ],
  );
});

test('RAM: a process RSS is never compared with a container cgroup figure; the peak still is', () => {
  // The base was measured through ps (the process's VmRSS), the head on an engine host without ps
  // (the cgroup's anonymous memory): a 1.4 MiB "drop" that is only a change of what was counted.
  const p = buildPlatform('linux/amd64', {
    base: { ram: { ...ram([1.5 * MiB, 1.5 * MiB, 1.5 * MiB]), rssSource: 'docker-top' } },
    head: { ram: { ...ram([0.05 * MiB, 0.05 * MiB, 0.05 * MiB], { peak: [3.9 * MiB, 3.9 * MiB, 3.9 * MiB] }), rssSource: 'docker-stats' } },
  });
  const { findings, comparisons } = evaluateThresholds([p], undefined);
  assert.deepEqual(
    findings.map((f) => [f.severity, f.metric]),
    [['info', 'ramRss']],
  );
  assert.match(
    findings[0]!.message,
    /^linux\/amd64 RSS not compared: the base figure is the process's resident memory and the head's the container cgroup's anonymous memory/,
  );
  const rss = comparisons.find((c) => c.metric === 'ramRss');
  const peak = comparisons.find((c) => c.metric === 'ramPeak');
  assert.equal(rss?.notComparable, "base is the process's resident memory, head the container cgroup's anonymous memory");
  assert.equal(peak?.notComparable, undefined);
  assert.equal(peak?.deltaBytes, Math.round(3.9 * MiB) - Math.round(1.5 * MiB + 1_572_864));
});

test("RAM: VmRSS from the host's /proc and ps through the Docker API are the same counter and are compared", () => {
  const p = buildPlatform('linux/amd64', {
    base: { ram: { ...ram([2 * MiB, 2 * MiB, 2 * MiB]), rssSource: 'proc-status' } },
    head: { ram: { ...ram([4 * MiB, 4 * MiB, 4 * MiB]), rssSource: 'docker-top' } },
  });
  const rss = evaluateThresholds([p], undefined).findings.find((f) => f.metric === 'ramRss');
  assert.equal(rss?.severity, 'blocker');
});

test('RAM: figures sampled under different concurrency bounds are not compared; the same bound is, whatever ran beside it', () => {
  const p = (headLimit: number) =>
    buildPlatform('linux/amd64', {
      base: { ram: { ...ram([2 * MiB, 2 * MiB, 2 * MiB]), concurrency: { limit: 2, peak: 1 } } },
      head: { ram: { ...ram([4 * MiB, 4 * MiB, 4 * MiB]), concurrency: { limit: headLimit, peak: headLimit } } },
    });
  const refused = evaluateThresholds([p(4)], undefined);
  assert.deepEqual(
    refused.findings.map((f) => [f.severity, f.metric]),
    [['info', 'ramRss']],
  );
  assert.match(
    refused.findings[0]!.message,
    /^linux\/amd64 RAM not compared: the base was sampled with up to 2 platforms at once and the head with up to 4 platforms/,
  );
  assert.deepEqual(
    refused.comparisons.filter((c) => c.metric.startsWith('ram')).map((c) => c.notComparable),
    [
      'base sampled with up to 2 platforms at once, head with up to 4 platforms',
      'base sampled with up to 2 platforms at once, head with up to 4 platforms',
    ],
  );
  assert.equal(evaluateThresholds([p(2)], undefined).findings.find((f) => f.metric === 'ramRss')?.severity, 'blocker');
  // A figure stored before runtime phases ran side by side was sampled alone.
  const legacy = buildPlatform('linux/amd64', {
    base: { ram: ram([2 * MiB, 2 * MiB, 2 * MiB]) },
    head: { ram: { ...ram([4 * MiB, 4 * MiB, 4 * MiB]), concurrency: { limit: 1, peak: 1 } } },
  });
  assert.equal(evaluateThresholds([legacy], undefined).findings.find((f) => f.metric === 'ramRss')?.severity, 'blocker');
});

test('RAM: emulated on both sides is like with like and is judged, labelled emulated', () => {
  const p = buildPlatform('linux/arm64', {
    base: { ram: ram([20 * MiB, 20.1 * MiB, 20.2 * MiB], { emulated: true }) },
    head: { ram: ram([22 * MiB, 22.1 * MiB, 22.2 * MiB], { emulated: true }) },
  });
  const rss = evaluateThresholds([p], undefined).findings.find((f) => f.metric === 'ramRss');
  assert.equal(rss?.severity, 'blocker');
  assert.match(rss.message, /RAM \(RSS, median of 3 runs, emulated\) grew \+2 MiB/);
});

test('a head that could not measure RAM says so as info', () => {
  const p = buildPlatform('linux/arm/v7', {
    head: { ram: { emulated: true, rss: null, peak: null, error: 'daemon never logged readiness within 60 s' } },
  });
  const { findings } = evaluateThresholds([p], undefined);
  assert.deepEqual(messages(findings), ['info ramRss linux/arm/v7 RAM not measured: daemon never logged readiness within 60 s']);
});
