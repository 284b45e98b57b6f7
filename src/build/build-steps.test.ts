import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BuildSteps, summariseSteps } from './build-steps.ts';

// The shape of `DOCKER_BUILDKIT=1 docker build --progress plain` (docker 20.10) for a second
// target platform: the $BUILDPLATFORM stage comes from the cache, the per-target steps run.
const LOG = `#1 [internal] load build definition from Dockerfile
#1 transferring dockerfile: 2.31kB done
#1 DONE 0.0s

#5 [build  1/11] COPY artifacts/amd64/busybox /bin/busybox
#5 CACHED

#6 [build 2/9] RUN busybox ln -s busybox /bin/sh
#6 CACHED

#11 [build 7/9] COPY artifacts/arm64/busybox /out/rootfs/bin/busybox
#11 DONE 0.1s

#12 [build 8/9] RUN cd /out/rootfs && mkdir -p etc tmp root
#12 0.412 done
#12 DONE 1.3s

#13 [stage-1 1/3] COPY --from=build /out/rootfs/ /
#13 DONE 0.0s

#14 exporting to image
#14 DONE 0.2s`;

test('build steps: which ran and how long, which came from the cache; BuildKit\'s own vertices are left out', () => {
  const steps = new BuildSteps();
  for (const line of LOG.split('\n')) steps.line(line);
  assert.deepEqual(steps.steps().map((s) => [s.stage, s.instruction.split(' ')[0], s.cached, s.seconds]), [
    ['build', 'COPY', true, 0],
    ['build', 'RUN', true, 0],
    ['build', 'COPY', false, 0.1],
    ['build', 'RUN', false, 1.3],
    ['stage-1', 'COPY', false, 0],
  ]);
  assert.equal(summariseSteps(steps.steps()), '5 steps: 2 cached, 3 ran in 1.4 s');
});
