// Bench of the image analysis: analyseImage on a ~100 MB image archive vs
// `gzip -c FILE > /dev/null` on the same file, and the analysing process's peak RSS.
// Goals: speed ratio ≥ 1.0× (analysis not slower than gzip), peak RSS < 150 MB.
// Peak RSS is shown with default flags and with --expose-gc (see createGcPacer in src/measure/image/analyse-image.ts).
// Prints figures only. Usage: node scripts/bench-analyse.ts [--mb 100] [--runs 3]
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { analyseImage } from '../src/measure/index.ts';
import { makeImageTar, type ArchiveSpec, type LayerSpec } from '../test/helpers/make-image-tar.ts';

const PLATFORM = 'linux/amd64';
const MiB = 1024 * 1024;

if (process.argv[2] === '--child') await child(process.argv[3] ?? '');
else await main();

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { mb: { type: 'string', default: '100' }, runs: { type: 'string', default: '3' } } });
  const totalMiB = Number(values.mb);
  const runs = Number(values.runs);
  const dir = await mkdtemp(join(tmpdir(), 'bumpguard-bench-'));
  try {
    for (const layout of ['docker-legacy', 'oci'] as const) {
      const tar = join(dir, `${layout}.tar`);
      const sizeMiB = await writeImage(tar, layout, totalMiB);
      const gzipMs: number[] = [];
      const plain: ChildResult[] = [];
      const paced: ChildResult[] = [];
      for (let i = 0; i < runs; i++) {
        gzipMs.push(await timeGzip(tar));
        plain.push(await runChild(tar, []));
        paced.push(await runChild(tar, ['--expose-gc']));
      }
      const gz = median(gzipMs);
      const an = median(plain.map((a) => a.ms));
      console.log(
        `${layout} (${layout === 'oci' ? 'gzip layers' : 'uncompressed layers, gzipped on the fly'}), ${sizeMiB.toFixed(1)} MiB archive, median of ${runs}:`,
      );
      console.log(`  gzip -c > /dev/null      ${gz.toFixed(0)} ms`);
      console.log(
        `  analyseImage             ${an.toFixed(0)} ms (process wall ${median(plain.map((a) => a.wallMs)).toFixed(0)} ms incl. Node start-up)`,
      );
      console.log(`  speed vs gzip            ${(gz / an).toFixed(2)}× (goal ≥ 1.00×)`);
      for (const [label, results] of [
        ['default flags', plain],
        ['with --expose-gc', paced],
      ] as const) {
        const hwm = Math.max(...results.map((a) => a.hwmBytes));
        const base = median(results.map((a) => a.baseRssBytes));
        console.log(`  peak RSS, ${label.padEnd(16)} ${mb(hwm)} MB (goal < 150 MB; ${mb(base)} MB before the analysis started)`);
      }
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Mixed content like a router image: incompressible (packed binaries), text, half-compressible. */
async function writeImage(path: string, layout: ArchiveSpec['layout'], totalMiB: number): Promise<number> {
  const text = pseudoText(4 * MiB);
  const perLayer = Math.max(1, Math.round(totalMiB / 6));
  const files = (kind: number, n: number): LayerSpec['entries'] =>
    Array.from({ length: n }, (_, i) => {
      const size = Math.round((perLayer * MiB) / n);
      const content = kind === 0 ? randomBytes(size) : kind === 1 ? text.subarray(0, size) : halfCompressible(size);
      return { path: `/layer${kind}/file${i}`, content };
    });
  const compression = layout === 'oci' ? 'gzip' : 'none';
  const layers: LayerSpec[] = [0, 1, 2, 0, 1, 2].map((kind, i) => ({
    createdBy: `COPY part${i} /`,
    compression,
    entries: files(kind, 4 + i * 8),
  }));
  const built = await makeImageTar({ layout, images: [{ platform: PLATFORM, layers }] });
  await writeFile(path, built.tar);
  return built.tar.length / MiB;
}

function pseudoText(bytes: number): Buffer {
  const words = [
    'tailscale',
    'router',
    'netstack',
    'the',
    'packet',
    'and',
    'peer',
    'dns',
    'exit',
    'node',
    'of',
    'route',
    'magic',
    'wireguard',
    'derp',
  ];
  const parts: string[] = [];
  let length = 0;
  let seed = 7;
  while (length < bytes) {
    seed = (seed * 1103515245 + 12345) >>> 0;
    const word = words[seed % words.length] as string;
    parts.push(word, seed % 11 === 0 ? '\n' : ' ');
    length += word.length + 1;
  }
  return Buffer.from(parts.join('')).subarray(0, bytes);
}

function halfCompressible(bytes: number): Buffer {
  const buf = randomBytes(bytes);
  for (let i = 0; i < bytes; i += 8) buf.fill(0, i, Math.min(i + 4, bytes));
  return buf;
}

function timeGzip(path: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const start = performance.now();
    const proc = spawn('gzip', ['-c', path], { stdio: ['ignore', 'ignore', 'inherit'] });
    proc.on('error', reject);
    proc.on('exit', (code) => (code === 0 ? resolve(performance.now() - start) : reject(new Error(`gzip exited ${code}`))));
  });
}

interface ChildResult {
  ms: number;
  wallMs: number;
  hwmBytes: number;
  baseRssBytes: number;
}

function runChild(path: string, nodeFlags: string[]): Promise<ChildResult> {
  return new Promise((resolve, reject) => {
    const start = performance.now();
    const proc = spawn(process.execPath, [...nodeFlags, import.meta.filename, '--child', path], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    proc.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    proc.on('error', reject);
    proc.on('exit', (code) => {
      if (code !== 0) return reject(new Error(`analysing child exited ${code}`));
      resolve({ ...(JSON.parse(out) as Omit<ChildResult, 'wallMs'>), wallMs: performance.now() - start });
    });
  });
}

async function child(path: string): Promise<void> {
  const baseRssBytes = statusBytes('VmRSS');
  const start = performance.now();
  const analysis = await analyseImage(path, { platform: PLATFORM, blockSize: 4096, binaryPath: '/layer0/file0', top: 10 });
  const ms = performance.now() - start;
  if (analysis.layers.length !== 6) throw new Error(`expected 6 layers, got ${analysis.layers.length}`);
  const hwmBytes = statusBytes('VmHWM');
  process.stdout.write(JSON.stringify({ ms, hwmBytes, baseRssBytes }));
}

/** VmRSS / VmHWM of this process; maxRSS where /proc is missing. */
function statusBytes(field: 'VmRSS' | 'VmHWM'): number {
  const match = new RegExp(`${field}:\\s+(\\d+) kB`).exec(readFileSync('/proc/self/status', 'utf8'));
  return match ? Number(match[1]) * 1024 : process.resourceUsage().maxRSS * 1024;
}

function mb(bytes: number): string {
  return (bytes / 1e6).toFixed(1);
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] as number;
}
