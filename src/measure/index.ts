// src/measure: image analysis (streamed archive, ELF/UPX checks, byte math).
export { analyseImage, type AnalyseImageOptions } from './analyse-image.ts';
export { blockRound, flashBytes } from './flash-bytes.ts';
export { expectedElfMachine, parseElfHeader, type ElfHeader } from './elf-header.ts';
export { isUpxPacked } from './upx.ts';
// Runtime: RAM runs and canaries of a built image (container lifecycle, /proc and cgroup probes).
export { measureRam, measureRuntime, type MeasureRuntimeOptions, type RuntimeResult } from './measure-runtime.ts';
export { runCanaries, canariesFor, type RunCanariesOptions } from './canary.ts';
export { evaluateCanary, type CanaryRun } from './evaluate-canary.ts';
export { parseDnsOutput } from './parse-dns-output.ts';
export { parseDig, type DnsObservation, type DnsAnswer } from './parse-dig.ts';
export { parseNslookup } from './parse-nslookup.ts';
export { isEmulated, ramStats } from './ram-stats.ts';
export type { ImageRef } from './container.ts';
export { removeLeftoverContainers } from './container.ts';
export { DEFAULT_CONTAINER_LIMITS, readContainerLimits, CONTAINER_ENV, type ContainerLimits } from './container-limits.ts';
