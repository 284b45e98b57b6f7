// Gitea API v1 wire shapes: only the fields bumpguard reads, unknown keys ignored, so a field the
// forge adds or drops elsewhere never breaks a read (as renovatebot/renovate docs/development/zod.md).
import { z } from 'zod';

const giteaUser = z.object({ login: z.string() });

const giteaBranch = z.object({
  ref: z.string(),
  sha: z.string(),
  /** Differs from base.repo_id when the head branch lives in a fork. */
  repo_id: z.number(),
});

export const giteaPullRequest = z.object({
  number: z.number(),
  html_url: z.string(),
  title: z.string(),
  state: z.string(),
  merged: z.boolean().nullish(),
  user: giteaUser,
  head: giteaBranch,
  base: giteaBranch,
});
export type GiteaPullRequest = z.output<typeof giteaPullRequest>;

export const giteaComment = z.object({
  id: z.number(),
  html_url: z.string(),
  body: z.string(),
  user: giteaUser,
  created_at: z.string().optional(),
  /** PR comments: the PR's web page ("…/pulls/14"); issue_url is empty on them. */
  pull_request_url: z.string().nullish(),
  issue_url: z.string().nullish(),
});
export type GiteaComment = z.output<typeof giteaComment>;

/** GET /repos/{o}/{r}/collaborators/{user}/permission */
export const giteaPermission = z.object({ permission: z.string() });

/** The `state` Gitea accepts when creating a commit status. */
export type GiteaStatusState = 'pending' | 'success' | 'error' | 'failure' | 'warning';
