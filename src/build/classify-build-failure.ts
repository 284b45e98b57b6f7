// Whose fault a failed build is, from its output (pure). Only the target failing its own build is
// `build-failed` (a blocker on the PR): a RUN step exiting non-zero, a missing COPY source, a
// Dockerfile that does not parse. The engine going away, an unreachable builder or registry, a full
// disk are infrastructure, and so is anything not recognised: it ends as `error`, which blocks
// too, but says the PR is not to blame and `/rebuild` retries.
import type { BuildErrorCode } from '../errors.ts';

/**
 * Lost contact with the engine or builder, in the client's own lines (a RUN step's output, `#5 0.12 …`,
 * is the image's business). Checked first: a dying daemon can break a RUN step too.
 */
const ENGINE_GONE = [
  /^(error: )?unexpected EOF$/i, // the client when dockerd stops mid-build (20.10)
  /Cannot connect to the Docker daemon/i,
  /error during connect/i,
  /Is the docker daemon running/i,
  /failed to dial gRPC/i,
  /transport is closing/i,
  /rpc error: code = (Unavailable|Canceled|Internal)/i,
  /error reading from server: EOF/i,
  /connection reset by peer/i,
  /broken pipe/i,
];

/** BuildKit's words for the target's own failure (20.10's BuildKit and newer ones). */
const TARGET_FAULT = [
  /executor failed running \[/i,
  /did not complete successfully: exit code/i,
  /failed to compute cache key: .*not found/i,
  /failed to calculate checksum of ref .*not found/i,
  /dockerfile parse error/i,
  /failed to create LLB definition/i,
  /failed to read dockerfile/i,
];

const STEP_OUTPUT = /^#\d+ \d+\.\d+ /;

export function classifyBuildFailure(log: string): Extract<BuildErrorCode, 'build-failed' | 'build-error' | 'docker-unavailable'> {
  const clientLines = log.split('\n').map((l) => l.trim()).filter((l) => l !== '' && !STEP_OUTPUT.test(l));
  if (clientLines.some((line) => ENGINE_GONE.some((re) => re.test(line)))) return 'docker-unavailable';
  if (TARGET_FAULT.some((re) => re.test(log))) return 'build-failed';
  return 'build-error';
}
