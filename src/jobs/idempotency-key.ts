// What makes two deliveries the same work. The delivery id catches a forge redelivering the
// same id; this key catches the same event under a NEW id: Gitea's "Redeliver" button re-sends
// the body with a fresh X-Gitea-Delivery. A job is the same when its repo, PR, head
// SHA and trigger are.
import type { BotJob } from '../bot/index.ts';
import { HeadTracker } from './head-tracker.ts';

export function idempotencyKey(job: BotJob): string {
  const pr = HeadTracker.key(job.forge, job.repo, job.event.pr);
  const e = job.event;
  switch (e.type) {
    case 'pr-updated':
      // opened / synchronize / reopened all ask for the same thing: judge this head.
      return `${pr}|push|${e.headSha}`;
    case 'command':
      // A comment is one request; a maintainer who wants another run writes another comment.
      return `${pr}|command|${e.commentId}`;
    case 'rerun':
      // Each click on Re-run or Rebuild is a new request with the same payload; GitHub keeps the
      // delivery id on redelivery, so the id is what tells a click from a redelivery.
      return `${pr}|rerun|${e.source}|${e.headSha}|${job.deliveryId}`;
  }
}
