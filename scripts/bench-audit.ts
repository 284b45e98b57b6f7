// Bench of the feature-tag audit: parse both upstream feature tables and the example
// recipe, then audit the example bump (v1.98.8 → v1.100.0), warm. Goal: < 50 ms per bump.
// Prints figures only. Usage: node scripts/bench-audit.ts [--runs 50]
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { auditBump, parseFeatureTags, parseRecipe } from '../src/audit/index.ts';
import { parseConfig } from '../src/config/index.ts';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '50' } } });
const runs = Number(values.runs);
const read = (path: string) => readFileSync(new URL(`../${path}`, import.meta.url), 'utf8');
const [fromTag, toTag] = ['v1.98.8', 'v1.100.0'];
const oldGo = read(`src/audit/__fixtures__/featuretags/${fromTag}.go`);
const newGo = read(`src/audit/__fixtures__/featuretags/${toTag}.go`);
const files = [{ path: 'Dockerfile', text: read('test/fixtures/target-repo/Dockerfile') }];
const patchFiles = [{ path: 'patches/nologupload.go', text: read('test/fixtures/target-repo/patches/nologupload.go') }];
const config = parseConfig(read('test/fixtures/target-repo/.bumpguard.yml'));

function once(): number {
  const start = performance.now();
  const findings = auditBump({
    fromTag,
    toTag,
    recipe: parseRecipe(files),
    recipeFiles: files,
    config,
    oldTable: parseFeatureTags(oldGo).table,
    newTable: parseFeatureTags(newGo).table,
    patchFiles,
    watched: [],
  });
  if (findings.length === 0) throw new Error('the example bump must produce findings');
  return performance.now() - start;
}

for (let i = 0; i < 10; i++) once();
const times = Array.from({ length: runs }, once).sort((a, b) => a - b);
const median = times[Math.floor(times.length / 2)]!;
console.log(
  `audit: parse + audit of ${fromTag} → ${toTag} (example recipe), warm: median ${median.toFixed(2)} ms, max ${times.at(-1)!.toFixed(2)} ms over ${runs} runs (goal < 50 ms)`,
);
