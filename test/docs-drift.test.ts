// docs/configuration.md and docs/bumpguard.schema.json are generated (`npm run schema`); a change to
// the config schema, the default thresholds, .env.example or the image's ENV must land in them too.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { renderSchemaFiles, SCHEMA_FILES } from '../scripts/schema.ts';

test('the committed configuration docs and JSON Schema are what `npm run schema` generates', () => {
  const rendered = renderSchemaFiles();
  assert.deepStrictEqual(Object.keys(rendered), [...SCHEMA_FILES]);
  for (const [path, text] of Object.entries(rendered)) {
    const committed = readFileSync(new URL(`../${path}`, import.meta.url), 'utf8');
    const a = committed.split('\n');
    const b = text.split('\n');
    const line = a.findIndex((l, i) => l !== b[i]);
    assert.ok(
      committed === text,
      `${path} is stale (first difference at line ${(line === -1 ? a.length : line) + 1}): run \`npm run schema\``,
    );
  }
});
