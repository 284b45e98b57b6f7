// Per-platform engines, for real: a private second dockerd is the operator's engine for
// linux/amd64 (BUMPGUARD_ENGINES, here `--engines FILE`), linux/arm64 stays on the machine's own
// engine under qemu. Each engine's `docker events` show where the images were built and run; the
// report labels the amd64 figures native and names the engine. Then the same over ssh://, the
// Docker CLI's own transport, to a throwaway sshd on 127.0.0.1.
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import type { JsonReport } from '../../src/report/index.ts';
import { makeCorpusRepo, type CorpusRepo } from '../helpers/corpus-repos.ts';
import { engineEvents, engineLayout, eventTime, type EngineEvent } from '../helpers/engine-repo.ts';
import { startLoopbackSshd } from '../helpers/loopback-sshd.ts';
import { requireDocker } from '../helpers/require-docker.ts';
import { runCli } from '../helpers/run-cli.ts';
import { startSecondDockerd, type SecondDockerd } from '../helpers/second-dockerd.ts';

const CLI = fileURLToPath(new URL('../../src/cli/main.ts', import.meta.url));
const UPSTREAM = fileURLToPath(new URL('../fixtures/upstream/', import.meta.url));

let docker: string;
let second: SecondDockerd;
let work: string;
const repos: CorpusRepo[] = [];

before(async () => {
  docker = (await requireDocker()).docker.file;
  [second, work] = await Promise.all([startSecondDockerd(), mkdtemp(join(tmpdir(), 'bumpguard-engines-'))]);
});
after(async () => {
  await Promise.all([second?.dispose(), ...repos.map((r) => r.cleanup()), work && rm(work, { recursive: true, force: true })]);
});

async function engineRepo(): Promise<{ repo: CorpusRepo; tag: string }> {
  const { layout, tag } = engineLayout();
  const repo = await makeCorpusRepo(layout);
  repos.push(repo);
  return { repo, tag };
}

async function enginesFile(name: string, engines: unknown[]): Promise<string> {
  const file = join(work, `${name}.json`);
  await writeFile(file, JSON.stringify(engines));
  return file;
}

const actions = (events: EngineEvent[]) => events.map((e) => `${e.Type} ${e.Action.split(':')[0]}`);
const count = (events: EngineEvent[], what: string) => actions(events).filter((a) => a === what).length;

test(
  'amd64 is built, run and canaried on its own engine and labelled native; arm64 stays on the local engine, emulated',
  { timeout: 300_000 },
  async () => {
    const { repo, tag } = await engineRepo();
    const engines = await enginesFile('e2', [{ name: 'e2', host: second.host, platforms: ['linux/amd64'] }]);
    const db = join(work, 'unix.db');
    const args = ['check', '--repo', repo.dir, '--base', 'main', '--head', 'bump', '--upstream', UPSTREAM, '--db', db, '--cache', work];
    const since = eventTime.before();
    const run = await runCli([...args, '--engines', engines, '--json']);
    const until = eventTime.after();
    assert.equal(run.code, 0, run.stderr);
    const json = JSON.parse(run.stdout) as JsonReport;
    assert.equal(json.verdict, 'success', json.reason);
    assert.deepEqual(json.builds, { ran: 4, reused: 0 });
    const amd64 = json.platforms['linux/amd64']!;
    const arm64 = json.platforms['linux/arm64']!;
    assert.deepEqual([amd64.engine, amd64.native, amd64.emulated], ['e2', true, false]);
    assert.deepEqual([arm64.engine, arm64.native, arm64.emulated], ['local', false, true]);
    assert.ok((amd64.head?.ramRssBytes ?? 0) > 0 && (amd64.base?.ramRssBytes ?? 0) > 0, 'amd64 RAM measured on both sides');
    assert.deepEqual(
      amd64.canaries.map((c) => [c.name, c.ok]),
      [['busybox-runs', true]],
    );

    // The second engine built the amd64 images (tagged there for the runs, never loaded in from
    // outside) and ran the RAM and canary containers; it never saw an arm64 image.
    const onSecond = await engineEvents(docker, second.host, `${tag}-amd64`, since, until);
    assert.equal(count(onSecond, 'image load'), 0, `nothing was loaded into the engine that built it: ${actions(onSecond).join(', ')}`);
    const tagged = onSecond.filter((e) => e.Action === 'tag').map((e) => e.Actor.Attributes.name?.split(':')[0]);
    assert.deepEqual(
      tagged.sort(),
      ['bumpguard-build', 'bumpguard-build', 'bumpguard-measure', 'bumpguard-measure'],
      'built there, then held there for the runs',
    );
    assert.equal(count(onSecond, 'container start'), 2, 'one RAM run per side');
    assert.equal(count(onSecond, 'container exec_start'), 2, 'the canary, once per side');
    assert.deepEqual(await engineEvents(docker, second.host, `${tag}-arm64`, since, until), []);
    // The machine's own engine ran arm64 only: no amd64 image or container of this run ever was there.
    assert.deepEqual(await engineEvents(docker, null, `${tag}-amd64`, since, until), []);
    assert.equal(count(await engineEvents(docker, null, `${tag}-arm64`, since, until), 'container start'), 2);
    const imageIds = [...new Set(onSecond.filter((e) => e.Type === 'image').map((e) => e.Actor.ID))];
    for (const id of imageIds) {
      assert.notEqual((await execa(docker, ['image', 'inspect', id], { reject: false })).exitCode, 0, `${id} is not in the local store`);
    }

    // Stored per engine: the same engine reuses them, and the report names it.
    const again = await runCli([...args, '--engines', engines, '--format', 'text']);
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stderr, /\(builds ran: 0, reused: 4\)$/m);
    assert.match(again.stdout, /^ {2}linux\/amd64 \(native on e2\) +RAM \(RSS\)/m);
    assert.match(again.stdout, /^ {2}linux\/arm64 \(emulated\) +RAM \(RSS\)/m);
    // Measured on the local engine instead, amd64 is a different measurement: built again, not reused.
    const local = await runCli([...args, '--platforms', 'linux/amd64', '--json']);
    const localJson = JSON.parse(local.stdout) as JsonReport;
    assert.deepEqual(localJson.builds, { ran: 2, reused: 0 });
    assert.deepEqual([localJson.platforms['linux/amd64']?.engine, localJson.platforms['linux/amd64']?.native], ['local', true]);
  },
);

test(
  "over ssh:// (the docker client's ssh helper, a throwaway sshd on 127.0.0.1) amd64 is built and run on that engine",
  { timeout: 300_000 },
  async (t) => {
    // The sshd hands logins DOCKER_HOST of the second dockerd: `docker system dial-stdio` there reaches it.
    const sshd = await startLoopbackSshd({ env: { DOCKER_HOST: second.host } });
    t.after(() => sshd.dispose());
    const { repo, tag } = await engineRepo();
    const engines = await enginesFile('ssh', [{ name: 'e2-ssh', host: sshd.url, platforms: ['linux/amd64'] }]);
    const since = eventTime.before();
    const run = await execa(
      process.execPath,
      [
        CLI,
        'check',
        '--repo',
        repo.dir,
        '--base',
        'main',
        '--head',
        'bump',
        '--platforms',
        'linux/amd64',
        '--engines',
        engines,
        '--upstream',
        UPSTREAM,
        '--db',
        join(work, 'ssh.db'),
        '--cache',
        work,
        '--json',
      ],
      { env: { ...process.env, PATH: `${sshd.binDir}:${process.env.PATH}`, CI: '1' }, reject: false, stdin: 'ignore' },
    );
    const until = eventTime.after();
    assert.equal(run.exitCode, 0, run.stderr);
    const json = JSON.parse(run.stdout) as JsonReport;
    const amd64 = json.platforms['linux/amd64']!;
    assert.deepEqual([json.verdict, amd64.engine, amd64.native, amd64.emulated], ['success', 'e2-ssh', true, false]);
    assert.ok((amd64.head?.ramRssBytes ?? 0) > 0);
    assert.deepEqual(
      amd64.canaries.map((c) => c.ok),
      [true],
    );
    const onSecond = await engineEvents(docker, second.host, `${tag}-amd64`, since, until);
    assert.deepEqual(
      [count(onSecond, 'image load'), count(onSecond, 'container start'), count(onSecond, 'container exec_start')],
      [0, 2, 2],
      actions(onSecond).join(', '),
    );
    assert.deepEqual(await engineEvents(docker, null, `${tag}-amd64`, since, until), []);
  },
);
