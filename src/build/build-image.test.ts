import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { localDockerClient, type EngineInfo } from '../engine/index.ts';
import { BuildError, CancelledError } from '../core/index.ts';
import { buildImage } from './build-image.ts';

const NO_CLIENT: EngineInfo = {
  name: 'local',
  docker: localDockerClient('/nonexistent/docker'),
  serverVersion: '20.10.24',
  hostPlatform: 'linux/amd64',
  cgroupVersion: '1',
  buildx: null,
  buildctl: null,
};

describe('buildImage without a usable client', () => {
  it('reports a client that cannot be started as no-docker, with the platform', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'bumpguard-noclient-'));
    try {
      await assert.rejects(
        buildImage({ contextDir: dir, dockerfile: 'Dockerfile', platform: 'linux/arm/v7', engine: NO_CLIENT, outTar: join(dir, 'x.tar') }),
        (err: unknown) => {
          assert.ok(err instanceof BuildError);
          assert.deepStrictEqual([err.code, err.platform], ['no-docker', 'linux/arm/v7']);
          assert.match(err.userMessage, /^Cannot run \/nonexistent\/docker: /);
          return true;
        },
      );
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('does not start anything when already cancelled', async () => {
    await assert.rejects(
      buildImage({
        contextDir: '/nonexistent',
        dockerfile: 'Dockerfile',
        platform: 'linux/amd64',
        engine: NO_CLIENT,
        outTar: join(tmpdir(), 'never.tar'),
        signal: AbortSignal.abort(),
      }),
      CancelledError,
    );
  });
});
