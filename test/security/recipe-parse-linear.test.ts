// A PR's Dockerfile is read by the audit before anyone has reviewed it, so its recipe parse (and the
// replay of its strips) must stay bounded: a line of `sed -e | ` repeated to 256 KB took 24 s to parse, and 1 MB hung the
// server. Reproduced through the real CLI in a child process, which is killed if it hangs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { makeTargetRepo, UPSTREAM_FIXTURES } from '../helpers/make-target-repo.ts';

const CLI = fileURLToPath(new URL('../../src/cli/main.ts', import.meta.url));
const MB = 1024 * 1024;
/** Generous for a linear parse of 1 MB on a busy 2-core machine (it takes well under a second). */
const LIMIT_MS = 20_000;

/** Append `line` as one more RUN instruction of the head's Dockerfile and audit the bump with the CLI. */
async function auditWithLine(line: string): Promise<{ exitCode: number | undefined; timedOut: boolean; stdout: string }> {
  const target = await makeTargetRepo();
  try {
    const dockerfile = await readFile(join(target.dir, 'Dockerfile'), 'utf8');
    await target.commitOnHead('Dockerfile', `${dockerfile}RUN ${line}\n`, 'build: a hostile recipe line');
    const r = await execa(
      process.execPath,
      [
        CLI,
        'audit',
        '--repo',
        target.dir,
        '--base',
        target.base,
        '--head',
        target.head,
        '--upstream',
        fileURLToPath(UPSTREAM_FIXTURES),
        '--json',
      ],
      {
        reject: false,
        timeout: LIMIT_MS,
        stdin: 'ignore',
        maxBuffer: 16 * MB,
      },
    );
    return { exitCode: r.exitCode, timedOut: r.timedOut, stdout: r.stdout };
  } finally {
    await target.cleanup();
  }
}

for (const [name, unit] of [
  ['a 1 MB line of `sed -e | `', 'sed -e | '],
  ['a 1 MB line of `VAR=x` prefixes', 'A=1 '],
  ['a 1 MB sed script of unterminated `s` commands', null],
] as const) {
  test(`audit of a PR whose Dockerfile has ${name} answers in time with the usual findings`, { timeout: LIMIT_MS + 30_000 }, async () => {
    const line =
      unit !== null
        ? unit.repeat(Math.ceil(MB / unit.length))
        : `sed 's/ts_omit_aws//;${Array.from({ length: MB / 4 }, (_, i) => `s${String.fromCharCode(0x100 + (i % 0xd000))};`).join('')}'`;
    const r = await auditWithLine(line);
    assert.equal(r.timedOut, false, `the audit was killed after ${LIMIT_MS} ms`);
    // The example bump still fails on its missing deps: the hostile line hid nothing.
    assert.equal(r.exitCode, 1);
    const report = JSON.parse(r.stdout) as { findings: { kind: string; features: string[] }[] };
    assert.ok(report.findings.some((f) => f.kind === 'missing-dep' && f.features.join() === 'advertiseexitnode,peerapiserver'));
  });
}

// The strips are then replayed on upstream's tag list with V8's backtracking regex engine.
for (const [name, line, expected] of [
  [
    'a strip whose regex backtracks without bound',
    "go run ./cmd/featuretags --min | sed -e 's/\\(.*\\)*x//' > /tmp/t",
    /uses regex syntax the audit cannot replay/,
  ],
  [
    'strips that double the tag list again and again',
    `go run ./cmd/featuretags --min | sed ${"-e 's/,/&&/g' ".repeat(40)}> /tmp/t`,
    /grow the tag list past 64 KiB/,
  ],
] as const) {
  test(
    `audit of a PR whose Dockerfile has ${name} answers in time and says why it did not replay`,
    { timeout: LIMIT_MS + 30_000 },
    async () => {
      const r = await auditWithLine(line);
      assert.equal(r.timedOut, false, `the audit was killed after ${LIMIT_MS} ms`);
      const report = JSON.parse(r.stdout) as { findings: { kind: string; message: string; detail?: string }[] };
      assert.ok(
        report.findings.some((f) => f.kind === 'recipe-unreadable' && expected.test(`${f.message}\n${f.detail ?? ''}`)),
        JSON.stringify(report.findings.map((f) => f.message)),
      );
    },
  );
}
