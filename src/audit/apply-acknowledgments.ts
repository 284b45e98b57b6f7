// `acknowledge: [{ feature, dep?, reason } | { edit, reason }]` in .bumpguard.yml: a known gap
// the maintainers accept shows as info with their reason; an entry that matches nothing any more
// is reported so the config does not keep excusing a problem that has changed shape.
import type { Config } from '../config/index.ts';
import type { FindingKind } from '../model.ts';
import type { RawFinding } from './find-state-findings.ts';

export type Acknowledgment = Config['acknowledge'][number];

/** Kinds an entry without `dep` may excuse, by their first feature. */
const BY_FEATURE: ReadonlySet<FindingKind> = new Set(['missing-dep', 'unknown-feature', 'patch-unknown-feature', 'noop-strip', 'deps-changed']);
/** Kinds an `edit` entry excuses, by what the edit touches. */
const BY_EDIT: ReadonlySet<FindingKind> = new Set(['patch-stale', 'patch-drift', 'patch-unevaluated']);

export function acknowledges(ack: Acknowledgment, finding: RawFinding): boolean {
  if ('edit' in ack) return BY_EDIT.has(finding.kind) && finding.edit?.target === ack.edit;
  if (finding.features[0] !== ack.feature) return false;
  if (ack.dep !== undefined) return finding.kind === 'missing-dep' && finding.features[1] === ack.dep;
  return BY_FEATURE.has(finding.kind);
}

export function describeAck(ack: Acknowledgment): string {
  if ('edit' in ack) return `the edit of ${ack.edit}`;
  return ack.dep === undefined ? ack.feature : `${ack.feature} → ${ack.dep}`;
}
