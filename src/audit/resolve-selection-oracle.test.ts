// The emulator against the real thing: build upstream's cmd/featuretags from a local mirror with
// a local Go toolchain (≥ 1.23) in a temporary directory and compare stdout, stderr and exit code
// over a matrix of flags, at every distinct feature table. Needs the mirror and Go, so it skips
// unless BUMPGUARD_TAILSCALE_MIRROR names one: BUMPGUARD_TAILSCALE_MIRROR=<mirror> BUMPGUARD_GO=<go binary>.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, describe, it } from 'node:test';
import { tailscaleMirror } from '../../test/helpers/tailscale-mirror.ts';
import { parseFeatureTags } from './parse-featuretags.ts';
import { emulateFeatureTags } from './resolve-selection.ts';

const mirror = tailscaleMirror();
const MIRROR = mirror.dir ?? '';
const GO = process.env.BUMPGUARD_GO ?? 'go';
const goMinor = mirror.skip ? 0 : Number(/go1\.(\d+)/.exec(spawnSync(GO, ['version'], { encoding: 'utf8' }).stdout ?? '')?.[1] ?? 0);
const skip = mirror.skip || (goMinor < 23 ? `needs Go >= 1.23 (set BUMPGUARD_GO)` : false);
// One tag per distinct feature table between v1.90.0 and v1.102.3.
const TAGS = ['v1.90.0', 'v1.92.0', 'v1.94.0', 'v1.96.0', 'v1.98.0', 'v1.100.0', 'v1.102.3'];
const ADDS = ['', 'osrouter', 'cli,osrouter', 'advertiseexitnode,useexitnode', 'nosuch', ',,'];
const REMOVES = ['', 'nosuch', 'logtail', 'logtail,netlog', 'taildrop,peerapiclient', 'ace,acme', 'c2n,nosuch'];

const show = (path: string) => spawnSync('git', [`--git-dir=${MIRROR}`, 'show', path], { encoding: 'utf8', maxBuffer: 1 << 26 }).stdout;

function buildUpstream(root: string, tag: string): string {
  const dir = join(root, tag);
  const files: Record<string, string> = {
    'go.mod': 'module tailscale.com\n\ngo 1.23\n',
    // The one helper cmd/featuretags imports, written here rather than fetched.
    'util/set/set.go':
      'package set\n\ntype Set[T comparable] map[T]struct{}\n\nfunc (s Set[T]) Add(e T) { s[e] = struct{}{} }\n\nfunc (s Set[T]) Contains(e T) bool { _, ok := s[e]; return ok }\n',
    'feature/featuretags/featuretags.go': show(`${tag}:feature/featuretags/featuretags.go`),
    // strings.SplitSeq is Go 1.24; Split iterates the same values on older toolchains.
    'cmd/featuretags/main.go': show(`${tag}:cmd/featuretags/featuretags.go`).replace(
      /for (\w) := range strings\.SplitSeq\(/g,
      'for _, $1 := range strings.Split(',
    ),
  };
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  const bin = join(dir, 'featuretags');
  const env = { ...process.env, GOTOOLCHAIN: 'local', GOPROXY: 'off', GOFLAGS: '-mod=mod', GOCACHE: join(root, '.gocache') };
  const built = spawnSync(GO, ['build', '-o', bin, './cmd/featuretags'], { cwd: dir, env, encoding: 'utf8' });
  assert.equal(built.status, 0, built.stderr);
  return bin;
}

if (skip) it('emulator matches the built upstream cmd/featuretags', { skip }, () => {});
else
  describe('emulator matches the built upstream cmd/featuretags', () => {
    const root = mkdtempSync(join(tmpdir(), 'bumpguard-oracle-'));
    after(() => rmSync(root, { recursive: true, force: true }));
    for (const tag of TAGS) {
      it(`${tag}: same stdout, stderr and exit code for every flag combination`, () => {
        const bin = buildUpstream(root, tag);
        const parsed = parseFeatureTags(show(`${tag}:feature/featuretags/featuretags.go`));
        const cases = [{ min: false, add: '', remove: '', list: true }];
        for (const min of [false, true])
          for (const add of ADDS) for (const remove of REMOVES) cases.push({ min, add, remove, list: false });
        for (const c of cases) {
          const argv = [...(c.min ? ['--min'] : []), ...(c.list ? ['--list'] : []), `--add=${c.add}`, `--remove=${c.remove}`];
          const real = spawnSync(bin, argv, { encoding: 'utf8' });
          const emu = emulateFeatureTags(parsed, tag, { ...c, add: [c.add], remove: [c.remove] }, { via: 'binary' });
          const realStderr = real.stderr.replace(/^\d{4}\/\d\d\/\d\d \d\d:\d\d:\d\d /, '');
          assert.ok(emu.exact, `${argv.join(' ')}: the matrix holds only deterministic cases`);
          assert.deepStrictEqual([emu.stdout, emu.stderr, emu.exitCode], [real.stdout, realStderr, real.status], argv.join(' '));
        }
      });
    }
  });
