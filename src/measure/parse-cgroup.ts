// Where a process's memory cgroup lives, from /proc/<pid>/cgroup, and how to read its peak.
// v1 (these hosts): <root>/memory/<path>/memory.max_usage_in_bytes; v2: <root>/<path>/memory.peak
// (kernel ≥ 5.19). Hybrid hosts list both; the v1 memory controller wins there.

export interface ProcCgroup {
  /** v1 hierarchies: controller → path ("memory" → "/docker/<id>"). */
  v1: Record<string, string>;
  /** The unified (v2) path, from the `0::` line. */
  unified: string | null;
}

export interface MemoryCgroup {
  version: '1' | '2';
  dir: string;
  /** File holding the peak usage in bytes. */
  peakFile: string;
}

export function parseProcCgroup(text: string): ProcCgroup {
  const out: ProcCgroup = { v1: {}, unified: null };
  for (const line of text.split('\n')) {
    const m = /^(\d+):([^:]*):(.*)$/.exec(line.trim());
    if (!m) continue;
    const [, id, controllers = '', path = ''] = m;
    if (id === '0' && controllers === '') out.unified = path;
    else for (const c of controllers.split(',')) if (c) out.v1[c] = path;
  }
  return out;
}

export function memoryCgroup(cg: ProcCgroup, root = '/sys/fs/cgroup'): MemoryCgroup | null {
  const v1 = cg.v1.memory;
  if (v1 !== undefined) {
    const dir = joinPath(`${root}/memory`, v1);
    return { version: '1', dir, peakFile: `${dir}/memory.max_usage_in_bytes` };
  }
  if (cg.unified !== null) {
    const dir = joinPath(root, cg.unified);
    return { version: '2', dir, peakFile: `${dir}/memory.peak` };
  }
  return null;
}

/** A cgroup byte counter; null for "max" or anything that is not a number. */
export function parseCgroupBytes(text: string): number | null {
  const t = text.trim();
  return /^\d+$/.test(t) ? Number(t) : null;
}

function joinPath(root: string, path: string): string {
  return path === '/' ? root : `${root}${path.startsWith('/') ? '' : '/'}${path}`;
}
