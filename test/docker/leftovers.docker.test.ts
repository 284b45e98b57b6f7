// A `check` SIGKILLed mid-run (or a host that rebooted) left its build and measure tags and its
// RAM containers on the engine for good. Every one now carries its maker's stamp, and the next
// `check` or `serve` removes those no running bumpguard can use: not a concurrent run's.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { processOwner, stampOf } from '../../src/engine/index.ts';
import { openDatabase, ResultStore } from '../../src/store/index.ts';
import { createBusyboxRepo, type BusyboxRepo } from '../helpers/busybox-repo.ts';
import { requireDocker } from '../helpers/require-docker.ts';
import { startSecondDockerd } from '../helpers/second-dockerd.ts';
import { serveEnv, startServe } from '../helpers/serve-process.ts';

const MAIN = fileURLToPath(new URL('../../src/cli/main.ts', import.meta.url));
const UPSTREAM = fileURLToPath(new URL('../fixtures/upstream/', import.meta.url));
const DOCKERFILE = 'FROM scratch\nCOPY busybox /bin/busybox\nENTRYPOINT ["/bin/busybox", "sleep", "600"]\n';

/** The containers and tags on the engine `docker` reaches stamped by process `pid` of this pid namespace. */
async function objectsOf(
  docker: (args: string[]) => Promise<{ stdout: string }>,
  pid: number,
): Promise<{ containers: string[]; tags: string[] }> {
  const mine = (stamp: string) => stamp.split('.')[1] === processOwner().place && parseInt(stamp.split('.')[2] ?? '', 36) === pid;
  const ps = await docker(['ps', '-a', '--filter', 'label=bumpguard.owner', '--format', '{{.ID}} {{.Label "bumpguard.owner"}}']);
  const images = await docker([
    'images',
    '--filter',
    'reference=bumpguard-build',
    '--filter',
    'reference=bumpguard-measure',
    '--format',
    '{{.Repository}}:{{.Tag}}',
  ]);
  return {
    containers: ps.stdout
      .split('\n')
      .filter((l) => l && mine(l.split(' ')[1] ?? ''))
      .map((l) => l.split(' ')[0]!)
      .sort(),
    tags: images.stdout
      .split('\n')
      .filter((t) => t && mine(t.slice(t.indexOf(':') + 1)))
      .sort(),
  };
}

test(
  'the next check removes what a SIGKILLed check left, and leaves a running check its images and containers',
  { timeout: 240_000 },
  async (t) => {
    const { docker } = await requireDocker();
    // An engine of this test's own: what other tests' runs sweep from the shared one cannot interfere.
    const engine = await startSecondDockerd();
    const onEngine = (args: string[]) => execa(docker.file, ['--host', engine.host, ...args]);
    const work = await mkdtemp(join(tmpdir(), 'bumpguard-sweep-'));
    // Both sides sit in a long RAM window: a check can be caught with every tag and container made.
    const slow = await createBusyboxRepo({
      Dockerfile: DOCKERFILE,
      '.bumpguard.yml': 'platforms: [linux/amd64]\nram: { runs: 1, windowMs: 120000, intervalMs: 1000, ready: { timeoutMs: 20000 } }\n',
    });
    await slow.commit({ 'README.md': 'head\n' }, 'head');
    const quick = await createBusyboxRepo({
      Dockerfile: DOCKERFILE,
      '.bumpguard.yml': 'platforms: [linux/amd64]\nram: { enabled: false }\n',
    });
    await quick.commit({ 'README.md': 'head\n' }, 'head');
    const stops: (() => Promise<unknown>)[] = [];
    const check = (repo: BusyboxRepo, db: string) => {
      const child = execa(
        process.execPath,
        [MAIN, 'check', '--repo', repo.dir, '--base', 'main~1', '--head', 'main', '--upstream', UPSTREAM, '--db', join(work, db)],
        {
          reject: false,
          env: { ...process.env, BUMPGUARD_CACHE: join(work, 'cache'), DOCKER_HOST: engine.host },
        },
      );
      stops.push(async () => {
        child.kill('SIGKILL');
        await child;
      });
      return child;
    };
    t.after(async () => {
      await Promise.all(stops.map((stop) => stop()));
      await Promise.all([engine.dispose(), slow.dispose(), quick.dispose(), rm(work, { recursive: true, force: true })]);
    });
    /** Waits until `pid` has both sides' RAM containers up, with their build and measure tags. */
    const caughtMidRun = async (pid: number) => {
      const deadline = Date.now() + 120_000;
      for (;;) {
        const objects = await objectsOf(onEngine, pid);
        if (objects.containers.length === 2 && objects.tags.length === 4) return objects;
        assert.ok(Date.now() < deadline, `check ${pid} never had both sides running: ${JSON.stringify(objects)}`);
        await sleep(250);
      }
    };

    // Two checks mid-run at once; one of them is SIGKILLed.
    const killed = check(slow, 'killed.db');
    const running = check(slow, 'running.db');
    const [leftovers, inUse] = await Promise.all([caughtMidRun(killed.pid!), caughtMidRun(running.pid!)]);
    killed.kill('SIGKILL');
    await killed;
    assert.deepEqual(await objectsOf(onEngine, killed.pid!), leftovers, 'a SIGKILLed check leaves its tags and containers behind');

    const next = await check(quick, 'next.db');
    assert.ok(next.exitCode === 0 || next.exitCode === 1, String(next.stderr));
    assert.match(
      String(next.stderr),
      /bumpguard check: removed \d+ image tag\(s\) and container\(s\) that killed runs left in engine local/,
    );
    assert.deepEqual(await objectsOf(onEngine, killed.pid!), { containers: [], tags: [] }, "the killed check's leftovers are gone");
    assert.deepEqual(await objectsOf(onEngine, running.pid!), inUse, "the running check's tags and containers are untouched");
  },
);

test("serve removes, at start, an earlier serve's leftovers of its database, and nobody else's", { timeout: 120_000 }, async (t) => {
  const { docker } = await requireDocker();
  const dir = await mkdtemp(join(tmpdir(), 'bumpguard-sweep-serve-'));
  const db = join(dir, 'bumpguard.db');
  // The database's id, as the first serve on it records it.
  new ResultStore(openDatabase(db)).setForgeId('(bumpguard)', 'serve-database-id', 'db-under-test');
  const image = (await execa(docker.file, ['import', '-', `bumpguard-test-sweep:${process.pid}`], { input: emptyTar() })).stdout.trim();
  // Made by serves in other containers (another pid namespace): one of this database, one of another.
  const other = { ...processOwner({ database: 'db-under-test' }), place: 'feedfacecafe', pid: 4321 };
  const stamp = (database: string) => stampOf({ ...other, database }, Date.now());
  const create = async (owner: string) =>
    (
      await execa(docker.file, [
        'create',
        '--network',
        'none',
        '--label',
        'bumpguard.run=test',
        '--label',
        `bumpguard.owner=${owner}`,
        image,
        '/x',
      ])
    ).stdout.trim();
  const earlier = await create(stamp(other.database));
  const stranger = await create(stamp(processOwner({ database: 'another-database' }).database));
  t.after(async () => {
    await execa(docker.file, ['rm', '-f', earlier, stranger], { reject: false });
    await execa(docker.file, ['rmi', image], { reject: false });
    await rm(dir, { recursive: true, force: true });
  });
  // An operator's engine that does not answer is logged, and start-up carries on.
  const serve = await startServe(
    serveEnv({
      BUMPGUARD_DB: db,
      BUMPGUARD_CACHE: join(dir, 'cache'),
      BUMPGUARD_ENGINES: JSON.stringify([{ name: 'gone', host: `unix://${join(dir, 'no.sock')}`, platforms: ['linux/arm64'] }]),
    }),
  );
  const exists = async (id: string) => (await execa(docker.file, ['inspect', id], { reject: false })).exitCode === 0;
  const deadline = Date.now() + 30_000;
  while ((await exists(earlier)) && Date.now() < deadline) await sleep(250);
  assert.equal(await exists(earlier), false, "the earlier serve's container is gone");
  assert.equal(await exists(stranger), true, "another database's container, made just now, stays");
  const removed = serve.logs.find((l) => l.msg === 'removed what killed bumpguard runs left in the engine' && l.engine === 'local');
  assert.ok(
    (removed?.removed as string[] | undefined)?.some((r) =>
      r.startsWith(`container ${earlier.slice(0, 12)}: an earlier serve of this database`),
    ),
    JSON.stringify(removed),
  );
  assert.ok(serve.logs.some((l) => l.msg === 'leftover sweep skipped: the engine did not answer' && l.engine === 'gone'));
  assert.equal(await serve.stop(), 0);
});

/** A tar archive with no entries: two zero blocks (what `docker import` needs for an empty image). */
function emptyTar(): Buffer {
  return Buffer.alloc(1024);
}
