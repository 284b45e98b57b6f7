// An in-memory Forge for tests above the forge layer (nock stays at the HTTP boundary): it
// holds a PR, its diff, files by (sha, path), users' permissions and comments, and records
// every call in order.
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import {
  ForgeError,
  type Forge,
  type Permission,
  type PrComment,
  type PullRequest,
  type Reaction,
  type StatusInput,
  type UpsertCommentInput,
  type UpsertCommentResult,
} from '../../src/core/index.ts';

export type FakeCall =
  | { op: 'setStatus'; sha: string; state: StatusInput['state']; title: string }
  | { op: 'upsertComment'; pr: number; body: string; outcome: UpsertCommentResult['outcome'] }
  | { op: 'react'; commentId: number; reaction: Reaction }
  | { op: 'reply'; pr: number; body: string }
  | { op: 'permissionOf'; login: string }
  | { op: 'downloadTree'; sha: string };

export interface FakeForgeInit {
  pr: PullRequest;
  diff: string;
  /** "sha:path" → text */
  files?: Record<string, string>;
  permissions?: Record<string, Permission>;
  /** Throw this from the named operation. */
  failOn?: { op: keyof Forge; error: Error };
}

export class FakeForge implements Forge {
  readonly kind = 'gitea' as const;
  readonly repo = 'routers/tailscale-mikrotik';
  readonly botLogin = 'bumpguard';
  readonly limits = { commentChars: 60_000 };
  readonly calls: FakeCall[] = [];
  readonly comments = new Map<number, string>();
  /** Comments as the API returns them by id (what a command's job re-reads). */
  readonly apiComments = new Map<number, PrComment>();
  pr: PullRequest;
  diff: string;
  readonly #init: FakeForgeInit;
  #nextId = 500;

  constructor(init: FakeForgeInit) {
    this.#init = init;
    this.pr = init.pr;
    this.diff = init.diff;
  }

  /** Only the writes, as the PR author would see them. */
  get writes(): FakeCall[] {
    return this.calls.filter((c) => c.op === 'setStatus' || c.op === 'upsertComment' || c.op === 'reply' || c.op === 'react');
  }

  #maybeFail(op: keyof Forge): void {
    if (this.#init.failOn?.op === op) throw this.#init.failOn.error;
  }

  async getPullRequest(): Promise<PullRequest> {
    this.#maybeFail('getPullRequest');
    return structuredClone(this.pr);
  }

  async getDiff(): Promise<string> {
    return this.diff;
  }

  async readFile(ref: string, path: string): Promise<string | null> {
    this.#maybeFail('readFile');
    return this.#init.files?.[`${ref}:${path}`] ?? null;
  }

  async downloadTree(sha: string, destDir: string): Promise<void> {
    this.calls.push({ op: 'downloadTree', sha });
    for (const [key, text] of Object.entries(this.#init.files ?? {})) {
      const [fileSha, path] = key.split(/:(.*)/s) as [string, string];
      if (fileSha !== sha) continue;
      await mkdir(dirname(join(destDir, path)), { recursive: true });
      await writeFile(join(destDir, path), text);
    }
  }

  async upsertComment(input: UpsertCommentInput): Promise<UpsertCommentResult> {
    this.#maybeFail('upsertComment');
    return this.#write(input, true) as Promise<UpsertCommentResult>;
  }

  async updateComment(input: UpsertCommentInput): Promise<UpsertCommentResult | null> {
    this.#maybeFail('updateComment');
    return this.#write(input, false);
  }

  async #write(input: UpsertCommentInput, create: boolean): Promise<UpsertCommentResult | null> {
    const body = input.body.includes(input.marker) ? input.body : `${input.marker}\n${input.body}`;
    const existing = [...this.comments.entries()].find(([, b]) => b.includes(input.marker));
    if (!existing && !create) return null;
    let id: number;
    let outcome: UpsertCommentResult['outcome'];
    if (!existing) [id, outcome] = [this.#nextId++, 'created'];
    else [id, outcome] = [existing[0], existing[1] === body ? 'unchanged' : 'updated'];
    this.comments.set(id, body);
    this.calls.push({ op: 'upsertComment', pr: input.pr, body, outcome });
    return { id, url: `https://git.example.org/routers/tailscale-mikrotik/pulls/${input.pr}#issuecomment-${id}`, outcome, duplicates: [] };
  }

  async setStatus(input: StatusInput): Promise<void> {
    this.#maybeFail('setStatus');
    this.calls.push({ op: 'setStatus', sha: input.sha, state: input.state, title: input.title });
  }

  async react(commentId: number, reaction: Reaction): Promise<void> {
    this.calls.push({ op: 'react', commentId, reaction });
  }

  /** A comment someone wrote on the PR (default: on #14, after the head was pushed). */
  said(id: number, author: string, body: string, over: Partial<PrComment> = {}): void {
    this.apiComments.set(id, { id, author, body, createdAt: '2025-06-13T09:00:00Z', pr: 14, ...over });
  }

  async getComment(id: number): Promise<PrComment> {
    const c = this.apiComments.get(id);
    if (!c)
      throw new ForgeError(
        { forge: 'gitea', op: 'getComment', code: 'not-found', status: 404 },
        `Gitea API call getComment found nothing.`,
      );
    return structuredClone(c);
  }

  async reply(pr: number, body: string): Promise<{ id: number }> {
    this.calls.push({ op: 'reply', pr, body });
    return { id: this.#nextId++ };
  }

  async permissionOf(login: string): Promise<Permission> {
    this.calls.push({ op: 'permissionOf', login });
    this.#maybeFail('permissionOf');
    return this.#init.permissions?.[login] ?? 'read';
  }
}
