// Official GitHub webhook payloads from @octokit/webhooks-examples, cloned so tests can adapt
// them minimally (repository, numbers, SHAs) without touching each other's copies.
import { createRequire } from 'node:module';

interface Definition {
  name: string;
  examples: Record<string, any>[];
}

const definitions = createRequire(import.meta.url)('@octokit/webhooks-examples') as Definition[];

/** The first example of `event` with `action` (and an installation, as App deliveries have). */
export function githubExample(event: string, action: string): Record<string, any> {
  const def = definitions.find((d) => d.name === event);
  const candidates = def?.examples.filter((e) => e.action === action) ?? [];
  const found = candidates.find((e) => e.installation) ?? candidates[0];
  if (!found) throw new Error(`@octokit/webhooks-examples has no ${event}.${action}`);
  return structuredClone(found);
}

/** The example PR as Renovate's GitHub App opens it (an App author: trusted without a permission lookup). */
export function renovatePullRequest(head: string): Record<string, any> {
  const pr = githubExample('pull_request', 'opened').pull_request as Record<string, any>;
  pr.head.sha = head;
  pr.user = { ...pr.user, login: 'renovate[bot]', type: 'Bot' };
  return pr;
}
