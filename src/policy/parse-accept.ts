// Parse the text of an `/accept <kind> <reason>` command (the forge room finds the command
// in a comment; this turns its arguments into Override fields or a usage error as data).
import type { Override } from '../model.ts';
import { OVERRIDE_SCOPES, type OverrideKind } from './apply-overrides.ts';

export const ACCEPT_KINDS = ['size', 'ram', 'canary', 'audit', 'all'] as const satisfies readonly OverrideKind[];

export const ACCEPT_USAGE = 'Usage: /accept <size|ram|canary|audit|all> <reason>';

/** A reason is shown in every report for this head; keep it a sentence, not a paste. */
export const ACCEPT_REASON_MAX = 300;

export type ParsedAccept =
  | { ok: true; override: Pick<Override, 'kind' | 'reason'> }
  | { ok: false; error: string; usage: string };

function usageError(error: string): ParsedAccept {
  const kinds = ACCEPT_KINDS.map((k) => `  ${k}: ${OVERRIDE_SCOPES[k]}`).join('\n');
  return { ok: false, error, usage: `${ACCEPT_USAGE}\n${kinds}` };
}

function isKind(word: string): word is OverrideKind {
  return (ACCEPT_KINDS as readonly string[]).includes(word);
}

/**
 * `"size arm64 grew for the new DNS cache"` or `"/accept size …"` → `{ kind: 'size', reason: … }`.
 * The caller adds `by`, `at` and `headSha`. Whitespace in the reason collapses to single spaces.
 */
export function parseAccept(text: string): ParsedAccept {
  const words = text.trim().replace(/^\/accept(?=\s|$)/i, '').trim();
  const m = /^(?<kind>\S+)(?:\s+(?<reason>[\s\S]*))?$/.exec(words);
  if (!m?.groups) return usageError('missing kind and reason');
  const kind = m.groups.kind!.toLowerCase();
  if (!isKind(kind)) return usageError(`unknown kind "${m.groups.kind}"`);
  const reason = (m.groups.reason ?? '').replace(/\s+/g, ' ').trim();
  if (reason === '') return usageError(`a reason is required: say why ${kind} is acceptable for this bump`);
  if (reason.length > ACCEPT_REASON_MAX) return usageError(`reason is ${reason.length} characters; keep it under ${ACCEPT_REASON_MAX}`);
  return { ok: true, override: { kind, reason } };
}
