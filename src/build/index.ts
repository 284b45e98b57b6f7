// src/build: BuildKit builds per platform (docker build / buildx / buildctl), cancellable.
export { buildImage, engineAnswers, engineGoneWords, errorLine, removeBuildTag, type BuildImageOptions, type BuildOutput } from './build-image.ts';
export { classifyBuildFailure } from './classify-build-failure.ts';
export { buildCommand, canBuildTogether, multiPlatformCommand, remoteBuilderName, type BuildInvocation, type BuildRequest, type ClientCaps, type MultiBuildRequest } from './build-command.ts';
export { detectEngine, NO_DOCKER_MESSAGE, type EngineInfo } from './detect-engine.ts';
export { pickDockerBinary, DEBIAN_DOCKER } from './docker-binary.ts';
export { LogTail, DEFAULT_TAIL_LINES } from './log-tail.ts';
export { BuildSteps, summariseSteps, type BuildStep } from './build-steps.ts';
export { BuildCache, type CacheDir } from './build-cache.ts';
export { findRemoteSources, type RemoteSource, type RemoteSourceKind } from './find-remote-sources.ts';
export { commentSafeLog, redactHostPaths, summarizeBuildFailure, type BuildFailureSummary, type HostPath } from './comment-safe-log.ts';
