// docs/operations.md tells operators to back up the live store with a `node -e` program (sqlite's
// online backup through node:sqlite). Run exactly that program while another connection, like the
// running bot, holds the store open with writes still in the WAL.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { execa } from 'execa';
import { buildSide } from './helpers/check-result.ts';
import { openDatabase, ResultStore } from '../src/store/index.ts';

const DOC = readFileSync(new URL('../docs/operations.md', import.meta.url), 'utf8');

test('the documented backup copies a store the bot is writing to, acceptances included', async () => {
  const block = /<!-- backup-command -->\n```sh\n(?<body>[\s\S]*?)```/.exec(DOC)?.groups?.body ?? '';
  const program = /node -e '(?<js>[^']+)' (?<target>\S+)/.exec(block)?.groups;
  assert.ok(program, 'docs/operations.md shows the backup as `node -e \'…\' TARGET` after <!-- backup-command -->');
  assert.equal(program.target, '/data/bumpguard-backup.db', 'the backup lands in the /data volume, where `docker compose cp` fetches it');

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
