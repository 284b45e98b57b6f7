// Regenerate the golden report files (src/report/__fixtures__/*.md). Run only on purpose —
// `npm run golden` — and review the diff: these files pin what maintainers see.
import { writeFileSync } from 'node:fs';
import { GOLDEN, SCENARIOS } from '../src/report/__fixtures__/scenarios.ts';
import { renderReport } from '../src/report/index.ts';

for (const name of GOLDEN) {
  const { result, outcome } = SCENARIOS[name]();
  const file = new URL(`../src/report/__fixtures__/${name}.md`, import.meta.url);
  writeFileSync(file, renderReport(result, outcome));
  process.stdout.write(`wrote src/report/__fixtures__/${name}.md\n`);
}
