// src/build: BuildKit builds per platform (docker build, buildx, buildctl), cancellable, and what a build may show.
export { BuildCache } from './build-cache.ts';
export { buildCommand, canBuildTogether, remoteBuilderName } from './build-command.ts';
export { buildImage, engineAnswers, engineGoneWords, removeBuildTag, type BuildOutput } from './build-image.ts';
export { summariseSteps } from './build-log.ts';
export { hostPathsOf, refuseRemoteSources, shownFailure, type UntrustedNetwork } from './remote-sources.ts';
