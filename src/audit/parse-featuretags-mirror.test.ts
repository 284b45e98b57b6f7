// Against the real upstream: parse feature/featuretags/featuretags.go at every recorded tag from a
// local mirror of tailscale/tailscale and check it against the facts, and check that
// cmd/featuretags is still the source the emulator was reviewed against. CI has no mirror, so
// this skips there; set BUMPGUARD_TAILSCALE_MIRROR to a clone or bare mirror to run it anywhere.

import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import { loadFacts, toFacts } from '../../test/helpers/featuretags-facts.ts';
import { tailscaleMirror } from '../../test/helpers/tailscale-mirror.ts';
import { gitUpstream } from '../upstream/index.ts';
import { parseFeatureTags } from './parse-featuretags.ts';
import { REVIEWED_CMD_FEATURETAGS } from './resolve-selection.ts';

const { dir: MIRROR, skip } = tailscaleMirror();

// A skipped test (not just a skipped suite) so the runner's summary counts it.
if (skip) it('real upstream featuretags.go at every recorded tag', { skip }, () => {});
else
  describe('real upstream featuretags.go at every recorded tag', () => {
    const upstream = gitUpstream(MIRROR!);
    for (const [tag, expected] of Object.entries(loadFacts())) {
      it(`${tag}: parses without diagnostics to the recorded facts`, async () => {
        const source = await upstream.readFile(tag, 'feature/featuretags/featuretags.go');
        assert.ok(source !== null);
        const { table, diagnostics } = parseFeatureTags(source);
        assert.deepStrictEqual(diagnostics, []);
        assert.deepStrictEqual(toFacts(table), expected);
        assert.ok(
          [...table.values()].every((m) => m.desc !== ''),
          'every real feature has a description',
        );
      });

      it(`${tag}: cmd/featuretags is a source the emulator was reviewed against`, async () => {
        const cmd = await upstream.readFile(tag, 'cmd/featuretags/featuretags.go');
        assert.ok(cmd !== null);
        const body = cmd
          .split('\n')
          .filter((l) => !l.startsWith('// Copyright'))
          .join('\n');
        const hash = createHash('sha256').update(body).digest('hex');
        assert.ok(
          (REVIEWED_CMD_FEATURETAGS as readonly string[]).includes(hash),
          `review cmd/featuretags at ${tag} (sha256 ${hash}) and update the emulator`,
        );
      });
    }
  });
