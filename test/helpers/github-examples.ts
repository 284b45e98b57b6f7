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
