// Parses /proc/<pid>/status (proc(5)): the memory lines RAM figures come from.

export interface ProcStatus {
  /** The command name (comm), e.g. "routerd". */
  name: string;
  pid: number | null;
  /** Resident set size now. */
  vmRssBytes: number | null;
  /** Peak resident set size ("high water mark"). */
  vmHwmBytes: number | null;
}

const KB = /^(\d+)\s*kB$/i;

/** Null when the text has no `Name:` line (not a status file). */
export function parseProcStatus(text: string): ProcStatus | null {
  const fields = new Map<string, string>();
  for (const line of text.split('\n')) {
    const colon = line.indexOf(':');
    if (colon > 0) fields.set(line.slice(0, colon), line.slice(colon + 1).trim());
  }
  const name = fields.get('Name');
  if (name === undefined) return null;
  const pid = Number(fields.get('Pid'));
  return {
    name,
    pid: Number.isInteger(pid) && fields.has('Pid') ? pid : null,
    vmRssBytes: kbToBytes(fields.get('VmRSS')),
    vmHwmBytes: kbToBytes(fields.get('VmHWM')),
  };
}

function kbToBytes(value: string | undefined): number | null {
  const m = value === undefined ? null : KB.exec(value);
  return m ? Number(m[1]) * 1024 : null;
}
