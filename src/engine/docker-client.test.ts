import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { pickDockerBinary } from './docker-client.ts';

describe('pickDockerBinary', () => {
  it("prefers $BUMPGUARD_DOCKER, then Debian's /usr/bin/docker, then docker on PATH", () => {
    assert.equal(
      pickDockerBinary({ BUMPGUARD_DOCKER: '/opt/docker' }, () => true),
      '/opt/docker',
    );
    assert.equal(
      pickDockerBinary({}, (p) => p === '/usr/bin/docker'),
      '/usr/bin/docker',
    );
    assert.equal(
      pickDockerBinary({ BUMPGUARD_DOCKER: ' ' }, () => false),
      'docker',
    );
  });
});
