// The golden reports pin every section of the comment. On a deliberate change run
// `npm run golden` and review the diff of src/report/__fixtures__/*.md.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { renderReport } from './render-report.ts';
import { GOLDEN, SCENARIOS } from './__fixtures__/scenarios.ts';

for (const name of GOLDEN) {
  test(`the ${name} report matches its golden file`, () => {
    const { result, outcome } = SCENARIOS[name]();
    const golden = readFileSync(new URL(`./__fixtures__/${name}.md`, import.meta.url), 'utf8');
    assert.equal(renderReport(result, outcome), golden, `report changed: run "npm run golden" and review the diff of ${name}.md`);
  });
}
