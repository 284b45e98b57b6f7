// Bench: how long a whole check takes next to the work it cannot avoid, on the bundled example with
// a cold result store, side by side in one run:
//   raw   `DOCKER_BUILDKIT=1 docker build` + `docker save` of the same six images (base and head ×
//         three platforms) back to back, plus one RAM window (ram.windowMs): the floor;
//   check `bumpguard check` as a user runs it, new store each round.
// Twice per round: with BuildKit's cache cold (each side gets its own copy of the example with a
// step of its own at the top of the builder stage, so nothing below it is cached) and warm (the
// same repo again: both sides only export).
// Then the step timings of one build per platform at a version nothing has cached (do stages on
// --platform=$BUILDPLATFORM run once or per target?), a multi-platform build where the engine can,
// and `bumpguard serve` against a local Gitea double: from a webhook's delivery to the first write
// of the sticky comment (warm bot) and to the verdict.
// Usage: node scripts/bench-check.ts [--rounds 2] [--serve-only]
import { spawn } from 'node:child_process';
import { createHmac, randomUUID } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { execa } from 'execa';
import { buildImage, summariseSteps } from '../src/build/index.ts';
import { detectEngine, type EngineInfo } from '../src/engine/index.ts';
import { parseConfig } from '../src/config/index.ts';
import { createExampleRepo, type ExampleRepo } from '../test/helpers/example-repo.ts';
import { FAKE_NAME, FAKE_OWNER, FAKE_TOKEN, pullJson, startFakeGitea, type FakePull } from './fake-gitea.ts';

const { values } = parseArgs({ options: { rounds: { type: 'string', default: '2' }, 'serve-only': { type: 'boolean', default: false } } });
const rounds = Number(values.rounds);
const root = new URL('../', import.meta.url);
const UPSTREAM = new URL('test/fixtures/upstream/', root).pathname;
const load = () =>
  loadavg()
    .map((l) => l.toFixed(1))
    .join(' ');
const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

const engine = await detectEngine();
const repo = await createExampleRepo();
const config = parseConfig(await readFile(join(repo.dir, '.bumpguard.yml'), 'utf8'));
const scratch = await mkdtemp(join(tmpdir(), 'bumpguard-bench-check-'));

/** The example with a step of its own first in the builder stage: nothing after it is in BuildKit's cache. */
function coldExample(): Promise<ExampleRepo> {
  const token = randomUUID();
  return createExampleRepo({ editDockerfile: (text) => text.replace(/^(SHELL .*)$/m, `$1\nRUN echo ${token} >/etc/bench-token`) });
}

/** The six images built and exported with the plain docker client, one after another. */
async function raw(repo: ExampleRepo): Promise<number> {
  const started = performance.now();
  for (const ref of ['main', repo.headRef]) {
    await execa('git', ['checkout', '-q', ref], { cwd: repo.dir });
    for (const platform of config.platforms) {
      const tag = `bumpguard-bench:${randomUUID()}`;
      await execa(engine.docker.file, ['build', '-q', '--platform', platform, '--network', 'none', '-t', tag, repo.dir], {
        env: { DOCKER_BUILDKIT: '1' },
      });
      await execa(engine.docker.file, ['save', '-o', join(scratch, 'raw.tar'), tag]);
      await execa(engine.docker.file, ['rmi', tag], { reject: false });
    }
  }
  await execa('git', ['checkout', '-q', 'main'], { cwd: repo.dir });
  return performance.now() - started;
}

/** `bumpguard check` in its own process, as a user runs it, with a store of its own. */
async function check(repo: ExampleRepo): Promise<number> {
  const db = join(scratch, `store-${randomUUID()}.db`);
  const started = performance.now();
  const r = await execa(
    process.execPath,
    [
      '--expose-gc',
      'src/cli/main.ts',
      'check',
      '--repo',
      repo.dir,
      '--base',
      'main',
      '--head',
      repo.headRef,
      '--upstream',
      UPSTREAM,
      '--db',
      db,
      '--json',
    ],
    { cwd: root, reject: false },
  );
  const ms = performance.now() - started;
  const json = JSON.parse(String(r.stdout)) as {
    builds: { ran: number };
    platforms: Record<string, { head: { ramConcurrency: { limit: number; peak: number } | null } | null }>;
  };
  if (json.builds.ran !== 6) throw new Error(`bumpguard check ran ${json.builds.ran} builds, not 6: ${String(r.stderr).slice(-500)}`);
  const peaks = Object.values(json.platforms).map((p) => p.head?.ramConcurrency?.peak ?? 0);
  console.log(
    `    check: RAM sampled with up to ${Object.values(json.platforms)[0]?.head?.ramConcurrency?.limit} platforms at once (peaks ${peaks.join(', ')})`,
  );
  return ms;
}

/** One build per platform at a version no build has used: which steps ran again for the next target. */
async function stepTimings(e: EngineInfo): Promise<void> {
  const cold = await coldExample();
  console.log('  step timings of the head, one platform after another, nothing cached for it:');
  let total = 0;
  for (const platform of config.platforms) {
    const built = await buildImage({
      contextDir: cold.dir,
      dockerfile: 'Dockerfile',
      platform,
      engine: e,
      outTar: join(scratch, 'steps.tar'),
    });
    const shared = built.steps.filter(
      (st) =>
        st.stage === 'build' && !/TARGETARCH|\/out\/rootfs|artifacts\/(amd64|arm64|arm)\/(busybox|routerd)|entrypoint/.test(st.instruction),
    );
    const ran = shared.filter((st) => !st.cached);
    total += ran.reduce((sum, st) => sum + (st.seconds ?? 0), 0);
    console.log(
      `    ${platform.padEnd(13)} ${summariseSteps(built.steps)} · steps before ARG TARGETARCH: ${shared.length - ran.length} cached, ${ran.length} ran (${ran.map((st) => `${st.instruction.split(' ')[0]} ${st.seconds}s`).join(', ') || 'none'})`,
    );
  }
  console.log(`    time spent re-running target-independent steps: ${total.toFixed(1)} s`);
  await cold.dispose();
  if (e.buildx === null)
    console.log('  multi-platform build in one invocation: not measured (no buildx plugin on this host; the argv is tested)');
  else if (e.imageStore !== 'containerd')
    console.log('  multi-platform build in one invocation: not measured (the engine has the classic image store)');
  else {
    const started = performance.now();
    const again = await coldExample();
    const built = await buildImage({
      contextDir: again.dir,
      dockerfile: 'Dockerfile',
      platform: config.platforms.join(', '),
      together: config.platforms,
      engine: e,
      outTar: join(scratch, 'all.tar'),
    });
    await again.dispose();
    console.log(`  multi-platform, one invocation: ${s(performance.now() - started)} · ${summariseSteps(built.steps)}`);
  }
}

/** `bumpguard serve` against the Gitea double: a warm-up delivery, then the bump PR (BuildKit cold). */
async function serve(): Promise<void> {
  const repo = await coldExample();
  const pulls: FakePull[] = [
    { number: 13, baseRef: 'main', baseSha: repo.baseSha, headRef: 'main', headSha: repo.baseSha },
    { number: 14, baseRef: 'main', baseSha: repo.baseSha, headRef: repo.headRef, headSha: repo.headSha },
  ];
  const forge = await startFakeGitea(repo.dir, pulls);
  const secret = `bench-secret-${randomUUID()}`;
  const dir = await mkdtemp(join(tmpdir(), 'bumpguard-bench-serve-'));
  const child = spawn(process.execPath, ['--expose-gc', 'src/cli/main.ts', 'serve'], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'inherit'],
    env: {
      PATH: process.env.PATH ?? '',
      HOME: dir,
      HOST: '127.0.0.1',
      PORT: '0',
      LOG_LEVEL: 'info',
      BUMPGUARD_DB: join(dir, 'bumpguard.db'),
      BUMPGUARD_CACHE: join(dir, 'cache'),
      BUMPGUARD_UPSTREAM: UPSTREAM,
      GITEA_URL: forge.url,
      GITEA_TOKEN: FAKE_TOKEN,
      GITEA_WEBHOOK_SECRET: secret,
      GITEA_BOT_LOGIN: 'bumpguard',
    },
  });
  try {
    let buffered = '';
    child.stdout.on('data', (chunk: Buffer) => {
      buffered = (buffered + chunk.toString()).slice(-20_000);
    });
    const port = await new Promise<number>((resolve, reject) => {
      child.stdout.on('data', () => {
        const line = buffered.split('\n').find((l) => l.includes('"bumpguard serve listening"'));
        if (line) resolve((JSON.parse(line) as { port: number }).port);
      });
      child.once('exit', (code) => reject(new Error(`serve exited ${code}`)));
    });
    /** A write the double should see within `ms`; else what serve logged and what arrived. */
    const expect = (what: string, pred: Parameters<typeof forge.waitFor>[0], ms: number) =>
      Promise.race([
        forge.waitFor(pred),
        new Promise<never>((_, reject) =>
          setTimeout(
            () =>
              reject(
                new Error(
                  `no ${what} within ${ms / 1000} s; writes: ${JSON.stringify(forge.writes)}\nserve log:\n${buffered.split('\n').slice(-15).join('\n')}`,
                ),
              ),
            ms,
          ).unref(),
        ),
      ]);
    const deliver = async (pr: FakePull) => {
      const template = JSON.parse(await readFile(new URL('test/fixtures/gitea/pull_request.opened.json', root), 'utf8'));
      const body = JSON.stringify({
        ...template,
        number: pr.number,
        pull_request: pullJson(pr, forge.url),
        repository: { ...template.repository, full_name: `${FAKE_OWNER}/${FAKE_NAME}`, name: FAKE_NAME },
      });
      const id = randomUUID();
      const at = performance.now();
      const res = await fetch(`http://127.0.0.1:${port}/api/gitea/webhooks`, {
        method: 'POST',
        body,
        headers: {
          'content-type': 'application/json',
          'x-gitea-delivery': id,
          'x-gitea-event': 'pull_request',
          'x-gitea-event-type': 'pull_request',
          'x-gitea-signature': createHmac('sha256', secret).update(body).digest('hex'),
        },
      });
      if (res.status !== 202) throw new Error(`delivery answered ${res.status}: ${await res.text()}`);
      return at;
    };
    // Warm: the first job loads the build stack; a PR that bumps nothing passes at once.
    await deliver(pulls[0]!);
    await expect('passing status for the PR without a bump', (w) => w.op === 'status' && /^success/.test(w.text), 60_000);
    const sent = await deliver(pulls[1]!);
    const first = await expect('first comment', (w) => w.pr === 14 && w.op === 'comment-create', 120_000);
    const verdict = await expect('verdict', (w) => w.op === 'status' && /^(failure|success|error)/.test(w.text) && w.at > sent, 600_000);
    const edits = forge.writes.filter((w) => w.pr === 14 && w.op.startsWith('comment'));
    console.log(
      `  serve (warm bot, cold store): first comment write ${s(first.at - sent)} after delivery ("${first.text}"); verdict ${s(verdict.at - sent)} ("${verdict.text.slice(0, 60)}…")`,
    );
    console.log(
      `    comment writes: ${edits.map((w) => `+${s(w.at - sent)}`).join(', ')}; statuses: ${forge.writes
        .filter((w) => w.op === 'status' && w.at > sent)
        .map((w) => `+${s(w.at - sent)} ${w.text.split(' — ')[0]}`)
        .join(' | ')}`,
    );
  } finally {
    child.kill('SIGTERM');
    await new Promise((resolve) => child.once('exit', resolve));
    await forge.close();
    await rm(dir, { recursive: true, force: true });
    await repo.dispose();
  }
}

try {
  console.log(
    `check vs raw builds: bundled example, ${config.platforms.length} platforms × base and head, ram.runs ${config.ram.runs} × ${config.ram.windowMs} ms, docker ${engine.serverVersion}, ${availableParallelism()} cores, load average ${load()}`,
  );
  const line = (what: string, r: number, c: number) => {
    const floor = r + config.ram.windowMs;
    console.log(
      `  ${what}: raw build+save ×6 ${s(r)} + one RAM window ${s(config.ram.windowMs)} = ${s(floor)} · bumpguard check ${s(c)} · ${(c / floor).toFixed(2)}× (goal ≤ 1.5×) · load ${load()}`,
    );
  };
  for (let i = 1; i <= (values['serve-only'] ? 0 : rounds); i++) {
    const [a, b] = [await coldExample(), await coldExample()];
    line(`round ${i}, BuildKit cold`, await raw(a), await check(b));
    line(`round ${i}, BuildKit warm`, await raw(a), await check(a));
    await Promise.all([a.dispose(), b.dispose()]);
  }
  if (!values['serve-only']) await stepTimings(engine);
  await serve();
} finally {
  await rm(scratch, { recursive: true, force: true });
  await repo.dispose();
}
