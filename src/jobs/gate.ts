// Every write a job makes to the PR (sticky comment, status/check) goes through here, so each
// one first checks that the job's head SHA is still the PR's latest: a superseded run never
// overwrites the newer one (an older run can finish after a newer one has started). Interim
// reports are chained and awaited before
// the final comment and state, so "builds 3/6" can never land after the verdict.
import type { Logger } from 'pino';
import { STATUS_CONTEXT, type Forge, type GateState, type UpsertCommentResult } from '../forges/index.ts';
import { MARKER } from '../report/index.ts';
import { HeadTracker } from './head-tracker.ts';
import type { ForgeIdStore, GateLedger } from './types.ts';

export interface GateOptions {
  forge: Forge;
  heads: HeadTracker;
  ids: ForgeIdStore;
  pr: number;
  sha: string;
  /** PR web page: details link until the comment exists. */
  prUrl: string;
  signal: AbortSignal;
  log: Logger;
  /** Told each gate state the forge accepted, so a restart can find gates left pending. */
  ledger?: GateLedger | undefined;
}

export class Gate {
  readonly #o: GateOptions;
  readonly #key: string;
  #detailsUrl: string;
  #progress: Promise<void> = Promise.resolve();

  constructor(o: GateOptions) {
    this.#o = o;
    this.#key = HeadTracker.key(o.forge.kind, o.forge.repo, o.pr);
    this.#detailsUrl = o.prUrl;
  }

  /** A newer push exists or the job was cancelled: write nothing more. */
  get superseded(): boolean {
    return this.#o.signal.aborted || this.#o.heads.isSuperseded(this.#key, this.#o.sha);
  }

  /** `awaiting`: a pending that waits for a person (fork approval), not for work in progress. */
  async status(state: GateState, title: string, summary: string, opts: { awaiting?: boolean } = {}): Promise<boolean> {
    await this.#progress;
    return this.#write('status', async () => {
      await this.#o.forge.setStatus({ sha: this.#o.sha, context: STATUS_CONTEXT, state, title, summary, detailsUrl: this.#detailsUrl, pr: this.#o.pr });
      this.#note(opts.awaiting ? 'awaiting' : state);
    });
  }

  /**
   * A report before the verdict: the comment, then a pending status whose title counts the builds
   * and whose summary (GitHub's check-run output) is the same report. Chained like progress, so the
   * verdict never lands first; failures only warn, the final report follows.
   */
  interim(body: string, title: string): Promise<void> {
    this.#progress = this.#progress.then(async () => {
      try {
        await this.#upsert(body);
        await this.#write('progress', async () => {
          await this.#o.forge.setStatus({ sha: this.#o.sha, context: STATUS_CONTEXT, state: 'pending', title, summary: body, detailsUrl: this.#detailsUrl, pr: this.#o.pr });
          this.#note('pending');
        });
      } catch (err) {
        this.#o.log.warn({ err }, 'interim report not written; the final report follows');
      }
    });
    return this.#progress;
  }

  /** The sticky comment, after any interim write still under way. */
  async comment(body: string): Promise<UpsertCommentResult | null> {
    await this.#progress;
    return this.#upsert(body);
  }

  async #upsert(body: string): Promise<UpsertCommentResult | null> {
    const { forge, ids, pr } = this.#o;
    const idKey = `comment:${pr}`;
    let result: UpsertCommentResult | null = null;
    await this.#write('comment', async () => {
      const known = ids.getForgeId(forge.repo, idKey);
      result = await forge.upsertComment({ pr, marker: MARKER, body, knownId: known === null ? null : Number(known) });
    });
    if (result === null) return null;
    const r: UpsertCommentResult = result;
    ids.setForgeId(forge.repo, idKey, String(r.id));
    this.#detailsUrl = r.url;
    if (r.duplicates.length > 0) this.#o.log.warn({ duplicates: r.duplicates, kept: r.id }, 'more than one bumpguard comment on the PR');
    return r;
  }

  #note(state: string): void {
    this.#o.ledger?.noteGate({ pr: this.#o.pr, sha: this.#o.sha, state });
  }

  async #write(what: string, fn: () => Promise<void>): Promise<boolean> {
    if (this.superseded) {
      this.#o.log.debug(`skipping ${what} write: head ${this.#o.sha} is superseded`);
      return false;
    }
    await fn();
    return true;
  }
}
