// src/engine: the container engine as bumpguard reaches it (client flags, a minimal child environment, its API),
// and what bumpguard leaves in it (stamps of who made each object, the sweep of leftovers).
export {
  childEnv,
  detectEngine,
  dockerArgs,
  dockerClientFor,
  dockerCommandLine,
  execDocker,
  getEngineJson,
  isLocalEngine,
  localDockerClient,
  NO_DOCKER_MESSAGE,
  pickDockerBinary,
  type ClientCaps,
  type DockerClient,
  type EngineInfo,
} from './docker-client.ts';
export { BUILD_REPOSITORY, MEASURE_REPOSITORY, OWNER_LABEL, RUN_LABEL, stampedTag, stampOf, type Owner } from './owner-stamp.ts';
export { processOwner } from './process-owner.ts';
export { sweepEngines, type EngineSweep } from './sweep-leftovers.ts';
