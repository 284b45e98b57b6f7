// GitHub REST wire shapes: only the fields bumpguard reads, unknown keys ignored, so a field the
// forge adds or drops elsewhere never breaks a read (as renovatebot/renovate docs/development/zod.md).
import { z } from 'zod';

const ghUser = z.object({ login: z.string(), type: z.string().optional() });

export const ghPullRequest = z.object({
  number: z.number(),
  html_url: z.string(),
  title: z.string(),
  state: z.string(),
  merged: z.boolean().nullish(),
  user: ghUser,
  head: z.object({
    ref: z.string(),
    sha: z.string(),
    /** null when the fork was deleted. */
    repo: z.object({ full_name: z.string() }).nullable(),
  }),
  base: z.object({ ref: z.string(), sha: z.string(), repo: z.object({ full_name: z.string() }) }),
});
export type GhPullRequest = z.output<typeof ghPullRequest>;

export const ghComment = z.object({
  id: z.number(),
  html_url: z.string(),
  body: z.string().nullish(),
  user: ghUser.nullable(),
  created_at: z.string().optional(),
  /** "…/repos/o/r/issues/14" (PRs are issues). */
  issue_url: z.string().optional(),
});
export type GhComment = z.output<typeof ghComment>;

export const ghCheckRun = z.object({
  id: z.number(),
  name: z.string(),
  /** queued | in_progress | completed (and newer waiting states): only `completed` is final. */
  status: z.string(),
  conclusion: z.string().nullish(),
  app: z.object({ slug: z.string() }).nullish(),
});
export type GhCheckRun = z.output<typeof ghCheckRun>;

export const ghCheckRunList = z.object({ check_runs: z.array(ghCheckRun) });

/** GET /repos/{o}/{r}/collaborators/{user}/permission: role_name carries maintain/triage. */
export const ghPermission = z.object({ permission: z.string(), role_name: z.string().optional() });

export type GhConclusion = 'success' | 'failure' | 'neutral' | 'cancelled' | 'timed_out' | 'action_required' | 'skipped';
