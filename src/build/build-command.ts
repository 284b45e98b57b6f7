// Turns (builder config, platform, request) into the exact client invocation. Pure, so each
// builder kind is tested without an engine (docs/builders.md describes the same mapping).
//   local   DOCKER_BUILDKIT=1 docker build … -t <temp tag> --iidfile …, then `docker save`
//   buildx  docker buildx build --builder <name> --output type=docker,dest=<tar> …
//   remote  buildx with a `--driver remote` builder for the endpoint, or, without the buildx
//           plugin, buildctl with BUILDKIT_HOST=<endpoint>
import { createHash } from 'node:crypto';
import { basename, dirname, isAbsolute, join } from 'node:path';
import type { Builder } from '../config/index.ts';
import { dockerArgs, type ClientCaps } from '../engine/index.ts';
import { BuildError } from '../core/index.ts';

export interface BuildRequest {
  contextDir: string;
  /** Relative to contextDir, or absolute. */
  dockerfile: string;
  platform: string;
  buildArgs: Record<string, string>;
  /** "none" keeps RUN steps off the network. */
  network: 'none' | 'default';
  /** Where the image archive ends up. */
  outTar: string;
  /** Where the client writes the image id (iidfile / metadata file). */
  idFile: string;
  /** Temporary tag for local builds (removed after `docker save`). */
  tag: string;
  /**
   * A local BuildKit cache directory (`type=local`) to export to, and to import from when it holds
   * one (`import`). buildx and buildctl only: docker 20.10's `docker build` has no `--cache-to`.
   */
  cache?: { dir: string; import: boolean };
}

/** One invocation for several platforms of one commit (multi-platform engines only). */
export type MultiBuildRequest = Omit<BuildRequest, 'platform' | 'tag'> & { platforms: string[] };

export interface BuildInvocation {
  kind: 'docker-build' | 'buildx' | 'buildctl';
  file: string;
  args: string[];
  /** Added to the inherited environment. */
  env: Record<string, string>;
  /** docker-build leaves the image in the engine: save it to outTar and untag it. */
  saveTag: string | null;
  /** The id file is buildctl's JSON metadata rather than a plain iidfile. */
  idFormat: 'iidfile' | 'buildctl-metadata';
  /** A remote-driver buildx builder that must exist first. */
  ensureBuilder: { name: string; endpoint: string } | null;
}

export function buildCommand(builder: Builder | undefined, req: BuildRequest, caps: ClientCaps): BuildInvocation {
  const kind = builder?.kind ?? 'local';
  if (kind === 'local') return dockerBuild(req, caps);
  if (kind === 'buildx') {
    if (!builder?.name) throw missing(req, 'builders entry of kind "buildx" needs a `name` (a `docker buildx ls` builder)');
    if (caps.buildx === null) throw noBuildx(req, `buildx builder "${builder.name}"`);
    return buildx(req, caps, builder.name, null);
  }
  const endpoint = builder?.endpoint;
  if (!endpoint) throw missing(req, 'builders entry of kind "remote" needs an `endpoint`, e.g. tcp://arm64-builder:1234');
  if (caps.buildx !== null) return buildx(req, caps, remoteBuilderName(endpoint), endpoint);
  if (caps.buildctl !== null) return buildctl(req, caps.buildctl, endpoint);
  throw new BuildError(
    'no-remote-client',
    `Building ${req.platform} on ${endpoint} needs the docker buildx plugin or buildctl; neither is installed.`,
    { platform: req.platform },
  );
}

/** Stable name of the buildx builder bumpguard creates for a remote BuildKit endpoint. */
export function remoteBuilderName(endpoint: string): string {
  return `bumpguard-remote-${createHash('sha256').update(endpoint).digest('hex').slice(0, 12)}`;
}

function dockerfilePath(req: Pick<BuildRequest, 'dockerfile' | 'contextDir'>): string {
  return isAbsolute(req.dockerfile) ? req.dockerfile : join(req.contextDir, req.dockerfile);
}

function buildArgFlags(req: Pick<BuildRequest, 'buildArgs'>, flag: string, prefix = ''): string[] {
  return Object.entries(req.buildArgs).flatMap(([k, v]) => [flag, `${prefix}${k}=${v}`]);
}

function dockerBuild(req: BuildRequest, caps: ClientCaps): BuildInvocation {
  return {
    kind: 'docker-build',
    file: caps.docker.file,
    args: dockerArgs(caps.docker, [
      'build',
      '--progress',
      'plain',
      '--platform',
      req.platform,
      '--network',
      req.network,
      '-f',
      dockerfilePath(req),
      ...buildArgFlags(req, '--build-arg'),
      '-t',
      req.tag,
      '--iidfile',
      req.idFile,
      req.contextDir,
    ]),
    env: { ...caps.docker.env, DOCKER_BUILDKIT: '1' },
    saveTag: req.tag,
    idFormat: 'iidfile',
    ensureBuilder: null,
  };
}

/**
 * Whether `multiPlatformCommand` can build these platforms: buildx on an engine with the containerd image store, all on the local engine.
 */
export function canBuildTogether(caps: ClientCaps, builders: (Builder | undefined)[]): boolean {
  return caps.buildx !== null && caps.imageStore === 'containerd' && builders.every((b) => (b?.kind ?? 'local') === 'local');
}

/**
 * The head's platforms in one buildx invocation: stages on --platform=$BUILDPLATFORM are solved
 * once for all of them, and the OCI archive holds one image per platform (analysed per platform,
 * loaded into the containerd image store for the RAM runs).
 */
export function multiPlatformCommand(req: MultiBuildRequest, caps: ClientCaps): BuildInvocation {
  if (caps.buildx === null)
    throw new BuildError(
      'no-buildx',
      `Building ${req.platforms.join(', ')} in one invocation needs the docker buildx plugin, which is not installed.`,
    );
  return {
    kind: 'buildx',
    file: caps.docker.file,
    args: dockerArgs(caps.docker, buildxBuildArgs(req, caps, { builder: null, platforms: req.platforms, output: 'oci' })),
    env: { ...caps.docker.env },
    saveTag: null,
    idFormat: 'iidfile',
    ensureBuilder: null,
  };
}

/** `docker buildx build` for one builder (null: the default one), writing an OCI archive (several platforms) or a docker one. */
function buildxBuildArgs(
  req: Pick<BuildRequest, 'network' | 'idFile' | 'contextDir' | 'dockerfile' | 'buildArgs' | 'outTar' | 'cache'>,
  caps: ClientCaps,
  o: { builder: string | null; platforms: string[]; output: 'oci' | 'docker' },
): string[] {
  return [
    'buildx',
    'build',
    ...(o.builder === null ? [] : ['--builder', o.builder]),
    '--progress',
    'plain',
    '--platform',
    o.platforms.join(','),
    '--network',
    req.network,
    '-f',
    dockerfilePath(req),
    ...buildArgFlags(req, '--build-arg'),
    ...provenanceFlag(caps),
    ...cacheFlags(req, 'buildx'),
    '--output',
    `type=${o.output},dest=${req.outTar}`,
    '--iidfile',
    req.idFile,
    req.contextDir,
  ];
}

/** buildx ≥ 0.10 attaches provenance attestations by default; a plain image archive is wanted. */
function provenanceFlag(caps: ClientCaps): string[] {
  return caps.buildx !== null && versionAtLeast(caps.buildx, [0, 10]) ? ['--provenance=false'] : [];
}

/** mode=max keeps the intermediate stages too: the builder stage is what is worth reusing. */
function cacheFlags(req: Pick<BuildRequest, 'cache'>, client: 'buildx' | 'buildctl'): string[] {
  if (!req.cache) return [];
  const { dir } = req.cache;
  const [from, to] = client === 'buildx' ? ['--cache-from', '--cache-to'] : ['--import-cache', '--export-cache'];
  return [...(req.cache.import ? [from, `type=local,src=${dir}`] : []), to, `type=local,dest=${dir},mode=max`];
}

function buildx(req: BuildRequest, caps: ClientCaps, name: string, endpoint: string | null): BuildInvocation {
  return {
    kind: 'buildx',
    file: caps.docker.file,
    args: dockerArgs(caps.docker, buildxBuildArgs(req, caps, { builder: name, platforms: [req.platform], output: 'docker' })),
    env: { ...caps.docker.env, ...(endpoint === null ? {} : { BUILDKIT_HOST: endpoint }) },
    saveTag: null,
    idFormat: 'iidfile',
    ensureBuilder: endpoint === null ? null : { name, endpoint },
  };
}

function buildctl(req: BuildRequest, file: string, endpoint: string): BuildInvocation {
  const df = dockerfilePath(req);
  return {
    kind: 'buildctl',
    file,
    args: [
      'build',
      '--progress',
      'plain',
      '--frontend',
      'dockerfile.v0',
      '--local',
      `context=${req.contextDir}`,
      '--local',
      `dockerfile=${dirname(df)}`,
      '--opt',
      `filename=${basename(df)}`,
      '--opt',
      `platform=${req.platform}`,
      ...(req.network === 'none' ? ['--opt', 'force-network-mode=none'] : []),
      ...buildArgFlags(req, '--opt', 'build-arg:'),
      ...cacheFlags(req, 'buildctl'),
      '--output',
      `type=docker,name=${req.tag},dest=${req.outTar}`,
      '--metadata-file',
      req.idFile,
    ],
    env: { BUILDKIT_HOST: endpoint },
    saveTag: null,
    idFormat: 'buildctl-metadata',
    ensureBuilder: null,
  };
}

function versionAtLeast(version: string, min: [number, number]): boolean {
  const m = /(\d+)\.(\d+)/.exec(version);
  if (!m) return false;
  const [major, minor] = [Number(m[1]), Number(m[2])];
  return major > min[0] || (major === min[0] && minor >= min[1]);
}

function missing(req: BuildRequest, what: string): BuildError {
  return new BuildError('builder-config', `Cannot build ${req.platform}: ${what}.`, { platform: req.platform });
}

function noBuildx(req: BuildRequest, what: string): BuildError {
  return new BuildError('no-buildx', `Building ${req.platform} with ${what} needs the docker buildx plugin, which is not installed.`, {
    platform: req.platform,
  });
}
