// Bench of the orchestration overhead: the bundled example built and exported per platform
// by the raw commands a maintainer would type (`DOCKER_BUILDKIT=1 docker build --platform …` then
// `docker save`) vs bumpguard's buildImage + streamed analysis of the same image. BuildKit's cache
// is warmed first so both sides measure the same work. Prints figures only.
// Usage: node scripts/bench-orchestration.ts [--runs 3]
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { execa } from 'execa';
import { buildImage } from '../src/build/index.ts';
import { detectEngine } from '../src/engine/index.ts';
import { analyseImage } from '../src/measure/index.ts';
import { createExampleRepo } from '../test/helpers/example-repo.ts';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '3' } } });
const runs = Number(values.runs);
const PLATFORMS = ['linux/amd64', 'linux/arm64', 'linux/arm/v7'];

const engine = await detectEngine();
const repo = await createExampleRepo();
const scratch = await mkdtemp(join(tmpdir(), 'bumpguard-bench-orch-'));
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function raw(platform: string, tar: string): Promise<number> {
  const start = performance.now();
  const tag = `bumpguard-bench:${platform.replaceAll('/', '-')}`;
  await execa(engine.docker.file, ['build', '--platform', platform, '--network', 'none', '-q', '-t', tag, repo.dir], {
    env: { DOCKER_BUILDKIT: '1' },
  });
  await execa(engine.docker.file, ['save', '-o', tar, tag]);
  const ms = performance.now() - start;
  await execa(engine.docker.file, ['rmi', tag], { reject: false });
  return ms;
}

async function ours(platform: string, tar: string): Promise<{ build: number; analyse: number }> {
  const start = performance.now();
  await buildImage({ contextDir: repo.dir, dockerfile: 'Dockerfile', platform, outTar: tar, engine, network: 'none' });
  const built = performance.now();
  await analyseImage(tar, { platform, blockSize: 4096, binaryPath: '/usr/local/bin/routerd', top: 10 });
  return { build: built - start, analyse: performance.now() - built };
}

try {
  console.log(`orchestration: bundled example, ${runs} runs per platform, BuildKit cache warm (docker ${engine.serverVersion})`);
  for (const platform of PLATFORMS) {
    const tar = join(scratch, 'image.tar');
    await raw(platform, tar); // warm the cache
    const rawMs: number[] = [];
    const buildMs: number[] = [];
    const analyseMs: number[] = [];
    for (let i = 0; i < runs; i++) {
      rawMs.push(await raw(platform, tar));
      await rm(tar, { force: true });
      const o = await ours(platform, tar);
      buildMs.push(o.build);
      analyseMs.push(o.analyse);
      await rm(tar, { force: true });
    }
    const r = median(rawMs);
    const b = median(buildMs);
    console.log(
      `  ${platform.padEnd(13)} raw docker build+save ${r.toFixed(0).padStart(5)} ms · bumpguard build+export ${b.toFixed(0).padStart(5)} ms` +
        ` (overhead ${(b - r >= 0 ? '+' : '') + (b - r).toFixed(0)} ms, ${((b / r - 1) * 100).toFixed(1)}%) · streamed analysis ${median(analyseMs).toFixed(0)} ms`,
    );
  }
} finally {
  await rm(scratch, { recursive: true, force: true });
  await repo.dispose();
}
