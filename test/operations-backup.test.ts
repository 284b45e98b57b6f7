// docs/operations.md tells operators to back up the live store with a `node -e` program (sqlite's
// online backup through node:sqlite), and to look at the queue with another. Run exactly those
// programs while another connection, like the running bot, holds the store open.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { execa } from 'execa';
import { buildSide } from './helpers/check-result.ts';
import { JobStore, openDatabase, ResultStore } from '../src/store/index.ts';

const DOC = readFileSync(new URL('../docs/operations.md', import.meta.url), 'utf8');

test('the documented backup copies a store the bot is writing to, acceptances included', async () => {
  const block = /<!-- backup-command -->\n```sh\n(?<body>[\s\S]*?)```/.exec(DOC)?.groups?.body ?? '';
  const program = /node -e '(?<js>[^']+)' (?<target>\S+)/.exec(block)?.groups;
  assert.ok(program, "docs/operations.md shows the backup as `node -e '…' TARGET` after <!-- backup-command -->");
  assert.equal(program.target, '/data/bumpguard-backup.db', 'the backup lands in the /data volume, where `docker cp` fetches it');

  const dir = mkdtempSync(join(tmpdir(), 'bumpguard-backup-'));
  try {
    const live = join(dir, 'bumpguard.db');
    const db = openDatabase(live);
    const store = new ResultStore(db);
    const key = { repo: 'acme/router-image', commit: 'c0ffee', platform: 'linux/arm64', inputsHash: 'h1' };
    const measured = buildSide('linux/arm64');
    store.saveResult(key, measured, '2026-11-25T10:00:00Z');
    const override = { kind: 'size' as const, reason: 'fits the flash', by: 'maintainer', at: '2026-11-25T10:05:00Z', headSha: 'c0ffee' };
    store.addOverride('acme/router-image', 7, override);
    assert.ok(existsSync(`${live}-wal`), 'the writes are still in the WAL, as in a running bot');

    const target = join(dir, 'bumpguard-backup.db');
    const res = await execa(process.execPath, ['-e', program.js!, target], { env: { BUMPGUARD_DB: live }, stdin: 'ignore' });
    assert.match(res.stdout, new RegExp(`\\d+ pages copied to ${target}`));
    db.close();

    const copy = new ResultStore(openDatabase(target));
    assert.deepStrictEqual(copy.findResult(key), { ...measured, cached: false });
    assert.deepStrictEqual(copy.listOverrides('acme/router-image', 7, 'c0ffee'), [override]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the documented queue at a glance reads a store the bot holds open: jobs by state, pending gates', async () => {
  const block = /<!-- queue-command -->\n```sh\n(?<body>[\s\S]*?)```/.exec(DOC)?.groups?.body ?? '';
  const program = /^docker-compose -f build\/compose\.yaml exec -T bumpguard node -e '(?<js>[^']+)'$/m.exec(block)?.groups;
  assert.ok(program, "docs/operations.md runs the queue query in the bot's container after <!-- queue-command -->");
  const dir = mkdtempSync(join(tmpdir(), 'bumpguard-queue-'));
  try {
    const live = join(dir, 'bumpguard.db');
    const db = openDatabase(live);
    const jobs = new JobStore(db);
    jobs.enqueueMany(
      [1, 2].map((n) => ({
        kind: 'pr' as const,
        forge: 'gitea',
        repo: 'acme/router-image',
        prKey: `gitea:acme/router-image#${n}`,
        headSha: `c0ffee${n}`,
        idemKey: `k${n}`,
        payload: { n },
        deliveryId: `d${n}`,
        movesHead: true,
      })),
      '2026-11-25T10:00:00Z',
    );
    jobs.noteGate(
      { forge: 'gitea', repo: 'acme/router-image', pr: 1, sha: 'c0ffee1', installationId: null, state: 'pending' },
      '2026-11-25T10:00:01Z',
    );
    // Node 24, as in the bot's container (the program needs node:sqlite).
    const res = await execa(process.execPath, ['-e', program.js!], { env: { BUMPGUARD_DB: live }, stdin: 'ignore' });
    assert.match(res.stdout, /│\s+0\s+│\s+'queued'\s+│\s+2\s+│/);
    assert.match(res.stdout, /'acme\/router-image'\s+│\s+1\s+│\s+'c0ffee1'\s+│\s+'pending'/);
    db.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
