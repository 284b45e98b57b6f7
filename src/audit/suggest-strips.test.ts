import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyPatch } from 'diff';
import { parseRecipe } from './parse-recipe.ts';
import { suggestStrips } from './suggest-strips.ts';

function fixFor(path: string, text: string, features: string[]): string | null {
  const files = [{ path, text }];
  const fix = suggestStrips(parseRecipe(files), files, features);
  if (fix) assert.equal(applyPatch(text, fix.patch), fix.text, 'the patch reproduces the suggested text');
  return fix?.text ?? null;
}

test('a strip alone on the final line of a RUN gets its siblings above it, each continued', () => {
  const text = [
    'RUN go run ./cmd/featuretags --min --add=osrouter | sed \\',
    "    -e 's/ts_omit_dns,\\{0,1\\}//g' \\",
    "    -e 's/ts_omit_gro,\\{0,1\\}//g'",
    '',
  ].join('\n');
  assert.equal(fixFor('Dockerfile', text, ['peerapiserver', 'peerapiclient']), [
    'RUN go run ./cmd/featuretags --min --add=osrouter | sed \\',
    "    -e 's/ts_omit_dns,\\{0,1\\}//g' \\",
    "    -e 's/ts_omit_peerapiserver,\\{0,1\\}//g' \\",
    "    -e 's/ts_omit_peerapiclient,\\{0,1\\}//g' \\",
    "    -e 's/ts_omit_gro,\\{0,1\\}//g'",
    '',
  ].join('\n'));
});

test('a ;-joined script gets the new commands inside its quotes', () => {
  const text = "tags=$(./tools/featuretags --min --add=osrouter | sed 's/,\\?ts_omit_dns//;s/,\\?ts_omit_gro//')\n";
  assert.equal(
    fixFor('build.sh', text, ['peerapiserver']),
    "tags=$(./tools/featuretags --min --add=osrouter | sed 's/,\\?ts_omit_dns//;s/,\\?ts_omit_gro//;s/,\\?ts_omit_peerapiserver//')\n",
  );
});

test('double-quoted -e words keep their quote style', () => {
  const text = 'RUN go run ./cmd/featuretags --min | sed -e "s/ts_omit_dns,//" > /tags\n';
  assert.equal(fixFor('Dockerfile', text, ['c2n']), 'RUN go run ./cmd/featuretags --min | sed -e "s/ts_omit_dns,//" -e "s/ts_omit_c2n,//" > /tags\n');
});

test('without a single-feature strip to imitate there is no suggestion', () => {
  const text = "RUN go run ./cmd/featuretags --min | sed -E 's/ts_omit_(dns|gro),?//g' > /tags\n";
  assert.equal(fixFor('Dockerfile', text, ['c2n']), null);
});
