// Who made an image tag or a container on an engine, and when: the stamp every one of them carries
// (in the tag itself, since a tag has no labels, and in the `bumpguard.owner` label of a container),
// and the judgement of whether a stamped object is a leftover that no running bumpguard can still
// use. Pure: the caller says whether a process still runs and what time it is.
//
// A stamp is `b1.<place>.<pid>.<start>.<database>.<created>`:
//   place     the pid namespace of the process on this boot (a hash of the kernel's boot id and the
//             namespace's inode), so pids are only compared where they mean the same process
//   pid       the process id there (base 36)
//   start     its start time in clock ticks since boot (/proc/<pid>/stat), so a reused pid is not it
//   database  for `serve`, a hash of its database's id (the database admits one serve at a time)
//   created   when the object was made, milliseconds since the epoch (base 36)
// Unknown parts are `x` and never match.

/** Image repositories of the tags bumpguard puts on what it builds and measures. */
export const BUILD_REPOSITORY = 'bumpguard-build';
export const MEASURE_REPOSITORY = 'bumpguard-measure';

/** Container labels: the run a container belongs to, and its stamp. */
export const RUN_LABEL = 'bumpguard.run';
export const OWNER_LABEL = 'bumpguard.owner';

/**
 * An object whose maker cannot be asked (another host, another container, a boot before this one)
 * is a leftover once it is this old. The longest an object is legitimately held is one side of one
 * platform: its build (`build.timeoutSeconds` is at most 6 h), the wait for a runtime slot, and its
 * RAM runs and canaries (minutes; readiness, window and each canary are capped at 10 min). A day
 * is four times the longest build.
 */
export const LEFTOVER_AGE_MS = 24 * 3600 * 1000;

/** The process that makes the objects. */
export interface Owner {
  /** Hash of boot id and pid namespace; `x` when unknown (not Linux). */
  place: string;
  pid: number;
  /** Start time in clock ticks since boot, as /proc/<pid>/stat field 22 says; `x` when unknown. */
  start: string;
  /** Hash of the serve's database id; `x` for a CLI run. */
  database: string;
}

export interface Stamp {
  owner: Owner;
  createdMs: number;
}

const VERSION = 'b1';
const PART = /^[0-9a-z]{1,16}$/;

export function stampOf(owner: Owner, createdMs: number): string {
  return [VERSION, owner.place, owner.pid.toString(36), owner.start, owner.database, Math.floor(createdMs).toString(36)].join('.');
}

/** The stamp at the start of `text` (a label value, or a tag's name after the colon); null for anything else (an old uuid tag). */
export function parseStamp(text: string): Stamp | null {
  const parts = text.split('.');
  if (parts[0] !== VERSION || parts.length < 6 || !parts.slice(1, 6).every((p) => PART.test(p))) return null;
  const [, place, pid, start, database, created] = parts as [string, string, string, string, string, string];
  const owner = { place, pid: parseInt(pid, 36), start, database };
  const createdMs = parseInt(created, 36);
  if (!Number.isSafeInteger(owner.pid) || owner.pid <= 0 || !Number.isSafeInteger(createdMs)) return null;
  return { owner, createdMs };
}

/** `<repository>:<stamp>.<suffix>`; the suffix keeps tags of one process apart and is cut to the 128 characters a tag may have. */
export function stampedTag(repository: string, owner: Owner, createdMs: number, suffix: string): string {
  const name = `${stampOf(owner, createdMs)}.${suffix.replace(/[^\w.-]/g, '-')}`;
  return `${repository}:${name.slice(0, 128)}`;
}

/** What the engine says about an object bumpguard made. */
export interface MadeObject {
  /** Its stamp; null for an object of an older bumpguard (no stamp). */
  stamp: Stamp | null;
  /** When the engine says it was made or last tagged, if it knows (older objects). */
  engineTimeMs: number | null;
}

export interface Judgement {
  remove: boolean;
  /** Why, for the log. */
  why: string;
}

/**
 * Whether `made` is a leftover, seen from the process `self`. Only what no running bumpguard can
 * use goes: a maker in this pid namespace that has exited, an earlier serve of this serve's own
 * database, or anything older than LEFTOVER_AGE_MS whose maker cannot be asked.
 */
export function judgeLeftover(made: MadeObject, self: Owner, nowMs: number, runs: (pid: number, start: string) => boolean): Judgement {
  const { stamp } = made;
  if (stamp !== null && stamp.owner.place === self.place && self.place !== 'x') {
    if (stamp.owner.pid === self.pid && stamp.owner.start === self.start) return { remove: false, why: 'made by this process' };
    return runs(stamp.owner.pid, stamp.owner.start)
      ? { remove: false, why: `its process ${stamp.owner.pid} still runs` }
      : { remove: true, why: `its process ${stamp.owner.pid} has exited` };
  }
  if (stamp !== null && self.database !== 'x' && stamp.owner.database === self.database)
    return { remove: true, why: 'an earlier serve of this database made it, and the database admits one serve at a time' };
  const createdMs = stamp?.createdMs ?? made.engineTimeMs;
  if (createdMs === null) return { remove: false, why: 'its maker and its age are unknown' };
  const ageMs = nowMs - createdMs;
  if (ageMs > LEFTOVER_AGE_MS) return { remove: true, why: `made ${Math.floor(ageMs / 3600_000)} h ago by a process that cannot be asked` };
  return { remove: false, why: 'made recently by a process that cannot be asked (another host or container)' };
}
