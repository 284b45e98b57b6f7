// Limits of every container bumpguard runs from a built image (RAM runs, canaries, sidecars).
// The image is the PR's code: it runs with no network, no capabilities, no privilege gain, a
// memory and a process cap, and as a non-root user when the image works that way. They are the
// operator's settings (environment), never the repository's: a PR must not loosen its own cage.
import type { ConfigIssue } from '../errors.ts';

export interface ContainerLimits {
  /** docker --memory (swap is not added on top). */
  memory: string;
  /** docker --pids-limit. */
  pids: number;
  /**
   * `auto`: try the unprivileged 65534:65534 first, the image's own user if the image will not
   * start that way; `image`: the image's user; else a fixed `uid[:gid]`.
   */
  user: string;
}

/** A router image: tens of MiB resident, a handful of processes; room for qemu-user's overhead. */
export const DEFAULT_CONTAINER_LIMITS: ContainerLimits = { memory: '512m', pids: 256, user: 'auto' };

/** nobody:nogroup on Debian; a number, so images without /etc/passwd run it too. */
export const UNPRIVILEGED_USER = '65534:65534';

export const CONTAINER_ENV = {
  memory: 'BUMPGUARD_CONTAINER_MEMORY',
  pids: 'BUMPGUARD_CONTAINER_PIDS',
  user: 'BUMPGUARD_CONTAINER_USER',
} as const;

const UNITS: Record<string, number> = { '': 1, b: 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3 };

/** The limits the environment asks for, or the issues with what it says (variables unset or empty take the defaults). */
export function readContainerLimits(env: Record<string, string | undefined>): { limits: ContainerLimits; issues: ConfigIssue[] } {
  const issues: ConfigIssue[] = [];
  const limits = { ...DEFAULT_CONTAINER_LIMITS };
  const memory = env[CONTAINER_ENV.memory]?.trim();
  if (memory) {
    const m = /^(\d+)([bkmg]?)$/i.exec(memory);
    const bytes = m ? Number(m[1]) * UNITS[m[2]!.toLowerCase()]! : Number.NaN;
    if (!(bytes >= 6 * 1024 ** 2)) issues.push({ path: CONTAINER_ENV.memory, message: 'must be a docker memory size of at least 6m, e.g. 512m or 1g' });
    else limits.memory = memory.toLowerCase();
  }
  const pids = env[CONTAINER_ENV.pids]?.trim();
  if (pids) {
    const n = Number(pids);
    if (!Number.isInteger(n) || n < 8 || n > 65_536) issues.push({ path: CONTAINER_ENV.pids, message: 'must be a whole number of processes from 8 to 65536, e.g. 256' });
    else limits.pids = n;
  }
  const user = env[CONTAINER_ENV.user]?.trim();
  if (user) {
    if (user !== 'auto' && user !== 'image' && !/^\d+(:\d+)?$/.test(user)) issues.push({ path: CONTAINER_ENV.user, message: 'must be auto, image, or a numeric uid[:gid], e.g. 1000:1000' });
    else limits.user = user;
  }
  return { limits, issues };
}

/** The `docker run` flags for `limits`, with the user of this attempt (null: the image's own). */
export function limitFlags(limits: ContainerLimits, user: string | null): string[] {
  return [
    '--memory', limits.memory, '--memory-swap', limits.memory, '--pids-limit', String(limits.pids),
    '--cap-drop', 'ALL', '--security-opt', 'no-new-privileges',
    ...(user !== null ? ['--user', user] : []),
  ];
}

/** The users to try, in order: the first the image becomes ready with is kept for the side. */
export function usersToTry(limits: ContainerLimits): (string | null)[] {
  if (limits.user === 'auto') return [UNPRIVILEGED_USER, null];
  return [limits.user === 'image' ? null : limits.user];
}
