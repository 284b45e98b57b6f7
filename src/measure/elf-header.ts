// ELF identification from the first bytes of a file: enough to tell which CPU a binary
// was built for. Layout per the System V ABI (e_ident[16], e_type u16, e_machine u16),
// https://refspecs.linuxfoundation.org/elf/gabi4+/ch4.eheader.html
import type { ElfInfo } from '../model.ts';

export interface ElfHeader {
  /** Human name as `uname -m` spells it where possible: x86_64, aarch64, arm, … */
  machine: string;
  /** Raw e_machine, for machines we have no name for. */
  eMachine: number;
  bits: 32 | 64;
  endian: 'le' | 'be';
}

/** Bytes needed to read e_machine. */
export const ELF_HEADER_BYTES = 20;

const MACHINE_NAMES = {
  3: 'i386',
  8: 'mips',
  20: 'ppc',
  21: 'ppc64',
  22: 's390',
  40: 'arm',
  62: 'x86_64',
  183: 'aarch64',
  243: 'riscv',
  258: 'loongarch',
} as const satisfies Record<number, string>;

/** Names that depend on class or byte order, the way Linux platforms name them. */
function machineName(eMachine: number, bits: 32 | 64, endian: 'le' | 'be'): string {
  const base: string | undefined = (MACHINE_NAMES as Record<number, string>)[eMachine];
  if (base === undefined) return `EM_${eMachine}`;
  switch (base) {
    case 'ppc64': return endian === 'le' ? 'ppc64le' : 'ppc64';
    case 's390': return bits === 64 ? 's390x' : 's390';
    case 'riscv': return `riscv${bits}`;
    case 'loongarch': return `loongarch${bits}`;
    case 'mips': return `mips${bits === 64 ? '64' : ''}${endian === 'le' ? 'el' : ''}`;
    case 'x86_64': return bits === 64 ? 'x86_64' : 'x32';
    default: return base;
  }
}

/** Parses the ELF identification, or null when `head` is not (the start of) an ELF file. */
export function parseElfHeader(head: Uint8Array): ElfHeader | null {
  if (head.length < ELF_HEADER_BYTES) return null;
  if (head[0] !== 0x7f || head[1] !== 0x45 || head[2] !== 0x4c || head[3] !== 0x46) return null;
  const cls = head[4];
  const data = head[5];
  if ((cls !== 1 && cls !== 2) || (data !== 1 && data !== 2)) return null;
  const bits = cls === 1 ? 32 : 64;
  const endian = data === 1 ? 'le' : 'be';
  const view = new DataView(head.buffer, head.byteOffset, head.byteLength);
  const eMachine = view.getUint16(18, endian === 'le');
  return { machine: machineName(eMachine, bits, endian), eMachine, bits, endian };
}

// Docker/OCI platform → the machine name its binaries must carry.
const PLATFORM_MACHINES = {
  'linux/amd64': 'x86_64',
  'linux/386': 'i386',
  'linux/arm64': 'aarch64',
  'linux/arm': 'arm',
  'linux/ppc64le': 'ppc64le',
  'linux/ppc64': 'ppc64',
  'linux/s390x': 's390x',
  'linux/riscv64': 'riscv64',
  'linux/mips64le': 'mips64el',
  'linux/mips64': 'mips64',
  'linux/mipsle': 'mipsel',
  'linux/mips': 'mips',
  'linux/loong64': 'loongarch64',
} as const satisfies Record<string, string>;

/** The ELF machine a platform's binaries must have; null for a platform we do not know. */
export function expectedElfMachine(platform: string): string | null {
  // The variant (arm/v6, arm/v7, arm64/v8) does not show in e_machine.
  const [os, arch] = platform.split('/');
  return (PLATFORM_MACHINES as Record<string, string>)[`${os}/${arch}`] ?? null;
}

/** ElfInfo for one file; a platform we do not know never matches, so it gets looked at. */
export function toElfInfo(path: string, header: ElfHeader, platform: string): ElfInfo {
  return { path, machine: header.machine, matches: expectedElfMachine(platform) === header.machine };
}
