import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { CHILD_ENV_NAMES, childEnv, pickDockerBinary } from './docker-client.ts';

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

describe('childEnv', () => {
  const host = {
    PATH: '/usr/bin',
    HOME: '/home/bot',
    DOCKER_CONFIG: '/data/docker',
    BUILDX_CONFIG: '/data/buildx',
    KUBECONFIG: '/data/kube/config',
    KUBERNETES_SERVICE_HOST: '10.96.0.1',
    KUBERNETES_SERVICE_PORT: '443',
    GITHUB_TOKEN: 'ghp_secret',
    WEBHOOK_SECRET: 'hook',
    PRIVATE_KEY: '-----BEGIN RSA PRIVATE KEY-----',
    GITEA_TOKEN: 'gitea',
  };

  it("gives the docker client what a kubernetes buildx builder reads (docs/scaling.md): a kubeconfig, or the pod's in-cluster address", () => {
    const { env } = childEnv({}, host);
    assert.equal(env.KUBECONFIG, '/data/kube/config');
    assert.equal(env.KUBERNETES_SERVICE_HOST, '10.96.0.1');
    assert.equal(env.KUBERNETES_SERVICE_PORT, '443');
    assert.equal(env.DOCKER_CONFIG, '/data/docker', 'where `docker buildx create` keeps its builders');
    assert.equal(env.BUILDX_CONFIG, '/data/buildx');
  });

  it('passes none of the bot’s secrets', () => {
    const { env, extendEnv } = childEnv({}, host);
    assert.equal(extendEnv, false);
    for (const name of ['GITHUB_TOKEN', 'WEBHOOK_SECRET', 'PRIVATE_KEY', 'GITEA_TOKEN']) assert.equal(env[name], undefined, name);
  });

  it('matches the list of passed variables in docs/security.md', () => {
    const doc = readFileSync(new URL('../../docs/security.md', import.meta.url), 'utf8');
    const listed = /<!-- child-env -->\n(?<list>[^]*?)\n<!-- \/child-env -->/.exec(doc)?.groups?.list ?? '';
    assert.deepEqual([...listed.matchAll(/`([A-Za-z_]+)`/g)].map((m) => m[1]).sort(), [...CHILD_ENV_NAMES].sort());
  });
});
