// src/measure: what is measured from a built image: the image/ archive, runtime/ RAM and containers, canary/ runs.
export { parseDnsOutput } from './canary/parse-dns.ts';
export { canariesFor } from './canary/run-canaries.ts';
export { analyseImage } from './image/analyse-image.ts';
export { blockRound } from './image/summarise-image.ts';
export {
  acquireImage,
  DEFAULT_CONTAINER_LIMITS,
  readContainerLimits,
  releaseImage,
  removeContainer,
  startContainer,
  waitReady,
  type ContainerLimits,
} from './runtime/container.ts';
export { measureRuntime } from './runtime/measure-runtime.ts';
export { isEmulated, sampleContainer } from './runtime/ram.ts';
