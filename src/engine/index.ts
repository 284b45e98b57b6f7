// src/engine: the container engine as bumpguard reaches it (client flags, a minimal child environment, its API).
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
