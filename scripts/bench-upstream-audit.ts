// Bench: the whole audit of a v1.98.8 → v1.102.2 bump of the example target (config, bump, feature
// tags, the source edits replayed with sed, the upstream commit digest), cold and warm. Goal: warm < 200 ms;
// cold makes one upstream read per distinct file. Prints figures only.
// The upstream is a generated git repository (both feature tables, the patched files and a few
// hundred commits between the tags); set BUMPGUARD_TAILSCALE_MIRROR to also measure the real one.
// Usage: node scripts/bench-upstream-audit.ts [--runs 20]
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { execa } from 'execa';
import { auditTarget } from '../src/audit/index.ts';
import { readConfigAt } from '../src/config/index.ts';
import { detectBump } from '../src/bump/index.ts';
import { cachedUpstream, gitUpstream, localEditRunner } from '../src/upstream/index.ts';
import { type UpstreamSource } from '../src/core/index.ts';
import { localGitRepo } from '../src/repo/index.ts';
import { makeTargetRepo } from '../test/helpers/make-target-repo.ts';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '20' } } });
const runs = Number(values.runs);
const [FROM, TO] = ['v1.98.8', 'v1.102.2'];
const root = new URL('../', import.meta.url);
const read = (path: string) => readFile(new URL(path, root), 'utf8');

/** Counts the reads that reach the source (below the cache): total and distinct. */
function counting(inner: UpstreamSource): UpstreamSource & { reads: string[] } {
  const reads: string[] = [];
  return {
    describe: inner.describe,
    reads,
    readFile: (tag, path) => (reads.push(`file ${tag}:${path}`), inner.readFile(tag, path)),
    listDir: (tag, dir) => (reads.push(`dir ${tag}:${dir}`), inner.listDir!(tag, dir)),
    history: {
      describe: inner.history!.describe,
      log: (from, to) => (reads.push(`log ${from}..${to}`), inner.history!.log(from, to)),
      buildLines: (tag, paths) => (reads.push(`build-lines ${tag} (${paths.length} files)`), inner.history!.buildLines(tag, paths)),
    },
  };
}

/** A git upstream with both tags' real-format files and `n` commits between them, via fast-import. */
async function generatedUpstream(dir: string, n: number): Promise<void> {
  await execa('git', ['init', '-q', '--bare', dir]);
  const blobs: string[] = [];
  let mark = 0;
  const blob = (text: string) => {
    const data = Buffer.from(text);
    blobs.push(`blob\nmark :${++mark}\ndata ${data.length}\n${text}\n`);
    return mark;
  };
  const commit = (message: string, files: Record<string, number>, tag?: string) => {
    const msg = Buffer.from(message);
    const changes = Object.entries(files)
      .map(([p, m]) => `M 100644 :${m} ${p}\n`)
      .join('');
    blobs.push(
      `commit refs/heads/main\nmark :${++mark}\ncommitter bench <bench@example.invalid> ${1_700_000_000 + mark} +0000\ndata ${msg.length}\n${message}\n${changes}\n`,
    );
    if (tag) blobs.push(`reset refs/tags/${tag}\nfrom :${mark}\n\n`);
  };
  const features = ['dns', 'netstack', 'portmapper', 'health', 'iptables', 'useroutes', 'aws', 'tap', 'kube', 'drive'];
  commit(
    'base',
    {
      'feature/featuretags/featuretags.go': blob(await read(`src/audit/__fixtures__/featuretags/${FROM}.go`)),
      'net/tstun/wrap.go': blob(await read('test/fixtures/upstream/v1.98.8/net/tstun/wrap.go')),
      'cmd/tailscaled/tailscaled.go': blob('package main\n'),
    },
    FROM,
  );
  for (let k = 0; k < n; k++) {
    const f = features[k % features.length]!;
    const path = k % 3 === 0 ? `feature/${f}/${f}.go` : k % 3 === 1 ? `ipn/ipnlocal/${f}_${k % 7}.go` : `util/misc/file${k % 40}.go`;
    const head = k % 3 === 1 ? `//go:build !ts_omit_${f}\n\n` : '';
    commit(`${path.split('/')[0]}: change ${k}`, { [path]: blob(`${head}package x\n\n// change ${k}\n`) });
  }
  commit(
    'cut the release',
    {
      'feature/featuretags/featuretags.go': blob(await read(`src/audit/__fixtures__/featuretags/${TO}.go`)),
      'net/tstun/wrap.go': blob(await read('test/fixtures/upstream/v1.100.0/net/tstun/wrap.go')),
    },
    TO,
  );
  await execa('git', ['--git-dir', dir, 'fast-import', '--quiet'], { input: blobs.join('') });
}

async function bench(label: string, upstreamDir: string): Promise<void> {
  const target = await makeTargetRepo({ from: FROM, to: TO });
  const cacheDir = await mkdtemp(join(tmpdir(), 'bumpguard-bench-cache-'));
  try {
    const repo = localGitRepo(target.dir);
    const runner = localEditRunner();
    const inner = counting(gitUpstream(upstreamDir));
    const upstream = cachedUpstream(inner, { cacheDir, repo: 'bench' });
    const once = async () => {
      const started = performance.now();
      const { config } = await readConfigAt(repo, target.base);
      const decision = await detectBump(repo, target.base, target.head, config);
      const r = await auditTarget({ source: repo, ref: target.head, bump: decision.bump!, config, runner }, upstream);
      if (!r.upstream || r.upstream.edits.length === 0) throw new Error("the audit must replay the example's source edits");
      return { ms: performance.now() - started, r };
    };
    const cold = await once();
    const coldReads = inner.reads.length;
    const distinct = new Set(inner.reads).size;
    const times: number[] = [];
    for (let i = 0; i < runs; i++) times.push((await once()).ms);
    times.sort((a, b) => a - b);
    const u = cold.r.upstream!;
    console.log(
      `${label}: ${FROM} → ${TO}, ${u.edits.length} source edits, ${u.commits.relevant} of ${u.commits.total} commits in the digest`,
    );
    console.log(
      `  cold cache: ${cold.ms.toFixed(0)} ms, ${coldReads} upstream reads for ${distinct} distinct files/listings (goal: one each)`,
    );
    console.log(
      `  warm cache: median ${times[Math.floor(times.length / 2)]!.toFixed(0)} ms, max ${times.at(-1)!.toFixed(0)} ms over ${runs} runs, ${inner.reads.length - coldReads} upstream reads (goal < 200 ms, none)`,
    );
  } finally {
    await target.cleanup();
    await rm(cacheDir, { recursive: true, force: true });
  }
}

const work = await mkdtemp(join(tmpdir(), 'bumpguard-bench-upstream-'));
try {
  await generatedUpstream(join(work, 'upstream.git'), 470);
  await bench('generated upstream (470 commits)', join(work, 'upstream.git'));
  const mirror = process.env.BUMPGUARD_TAILSCALE_MIRROR;
  if (mirror) await bench(`real mirror ${mirror}`, mirror);
  else console.log('real mirror: skipped (set BUMPGUARD_TAILSCALE_MIRROR to measure tailscale/tailscale itself)');
} finally {
  await rm(work, { recursive: true, force: true });
}
