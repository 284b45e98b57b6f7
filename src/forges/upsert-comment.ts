// The sticky-comment reconcile both adapters share (the shape of `ensureComment` in
// renovatebot/renovate lib/modules/platform/gitea/index.ts and of probot/settings
// lib/plugins/diffable.js): remembered id → PATCH; else list, match, compare, then
// PATCH or POST. Never two comments from one upsert.
import { ForgeError, type ForgeComment, type UpsertCommentInput, type UpsertCommentResult } from '../core/index.ts';

/** The three comment endpoints an adapter supplies. */
export interface CommentEndpoints {
  /** Every comment of the PR, oldest first, all pages. */
  list(pr: number): Promise<ForgeComment[]>;
  create(pr: number, body: string): Promise<ForgeComment>;
  update(id: number, body: string): Promise<ForgeComment>;
}

const TRUNCATED = '\n\n… (cut to fit the forge comment limit)';

export async function upsertComment(
  api: CommentEndpoints,
  opts: { botLogin: string; maxChars: number },
  input: UpsertCommentInput,
): Promise<UpsertCommentResult> {
  const body = prepareBody(input, opts.maxChars);
  const existing = await rewriteOurs(api, opts.botLogin, input, body);
  if (existing) return existing;
  const created = await api.create(input.pr, body);
  return { id: created.id, url: created.url, outcome: 'created', duplicates: [] };
}

/** The same reconcile without the POST: rewrites our sticky comment where the PR has one, else null. */
export function updateComment(
  api: CommentEndpoints,
  opts: { botLogin: string; maxChars: number },
  input: UpsertCommentInput,
): Promise<UpsertCommentResult | null> {
  return rewriteOurs(api, opts.botLogin, input, prepareBody(input, opts.maxChars));
}

function prepareBody(input: UpsertCommentInput, maxChars: number): string {
  return fitBody(input.body.includes(input.marker) ? input.body : `${input.marker}\n${input.body}`, maxChars);
}

/** Remembered id → PATCH; else the oldest of our marked comments, PATCHed unless identical; null when there is none. */
async function rewriteOurs(
  api: CommentEndpoints,
  botLogin: string,
  input: UpsertCommentInput,
  body: string,
): Promise<UpsertCommentResult | null> {
  if (input.knownId != null) {
    const updated = await updateIfExists(api, input.knownId, body);
    if (updated) return { id: updated.id, url: updated.url, outcome: 'updated', duplicates: [] };
  }
  const ours = (await api.list(input.pr)).filter((c) => c.author.toLowerCase() === botLogin.toLowerCase() && c.body.includes(input.marker));
  const [oldest, ...rest] = ours;
  if (!oldest) return null;
  const duplicates = rest.map((c) => c.id);
  if (oldest.body === body) return { id: oldest.id, url: oldest.url, outcome: 'unchanged', duplicates };
  const updated = await api.update(oldest.id, body);
  return { id: updated.id, url: updated.url, outcome: 'updated', duplicates };
}

/** PATCH a remembered comment; null when it was deleted meanwhile (404), so we list instead. */
async function updateIfExists(api: CommentEndpoints, id: number, body: string): Promise<ForgeComment | null> {
  try {
    return await api.update(id, body);
  } catch (err) {
    if (err instanceof ForgeError && err.code === 'not-found') return null;
    throw err;
  }
}

/** The report keeps itself under the limit; this only stops the forge rejecting an oversized body. */
function fitBody(body: string, maxChars: number): string {
  if (body.length <= maxChars) return body;
  return body.slice(0, maxChars - TRUNCATED.length) + TRUNCATED;
}
