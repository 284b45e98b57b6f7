// Pure yes/no decisions the job asks before acting: each guard returns early with the reason to
// log (as probot/settings index.js does in its handlers).
import type { Config } from '../config/index.ts';
import type { Permission, PullRequest } from '../forges/index.ts';

/** write, maintain, admin or owner (adapters fold maintain into write and owner into admin). */
export function canRunCommands(permission: Permission): boolean {
  return permission === 'write' || permission === 'admin';
}

/**
 * Whether a PR is one the bot checks unasked: `trigger.headRef` (a regex) and `trigger.authors`
 * narrow the diff detector; unset means every PR whose diff bumps Tailscale.
 */
export function matchesTrigger(pr: PullRequest, trigger: Config['trigger']): boolean {
  if (trigger.headRef !== undefined && !new RegExp(trigger.headRef).test(pr.head.ref)) return false;
  if (trigger.authors !== undefined && !trigger.authors.some((a) => a.toLowerCase() === pr.author.toLowerCase())) return false;
  return true;
}

/**
 * `/rebuild arm64 arm/v7` → the configured platforms they name. Accepts the full name
 * ("linux/arm64") or what follows "linux/" ("arm64", "arm/v7").
 */
export function resolvePlatforms(requested: string[], configured: string[]): { platforms: string[]; unknown: string[] } {
  const platforms: string[] = [];
  const unknown: string[] = [];
  for (const name of requested) {
    const wanted = name.toLowerCase();
    const match = configured.find((p) => p.toLowerCase() === wanted || p.toLowerCase() === `linux/${wanted}`);
    if (match === undefined) unknown.push(name);
    else if (!platforms.includes(match)) platforms.push(match);
  }
  return { platforms, unknown };
}
