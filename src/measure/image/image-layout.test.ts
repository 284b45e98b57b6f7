import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { platformMatches, resolveImageLayout } from './image-layout.ts';

describe('platformMatches', () => {
  it('matches variants loosely only where one side leaves it out', () => {
    assert.equal(platformMatches('linux/arm/v7', 'linux/arm/v7'), true);
    assert.equal(platformMatches('linux/arm/v7', 'linux/arm'), true);
    assert.equal(platformMatches('linux/arm/v7', 'linux/arm/v6'), false);
    assert.equal(platformMatches('linux/arm64', 'linux/arm64/v8'), true);
    assert.equal(platformMatches('linux/arm64', 'linux/amd64'), false);
    assert.equal(platformMatches('linux/amd64', null), false);
  });
});

describe('resolveImageLayout', () => {
  const meta = (files: Record<string, unknown>): Map<string, Uint8Array> =>
    new Map(Object.entries(files).map(([k, v]) => [k, Buffer.from(typeof v === 'string' ? v : JSON.stringify(v))]));

  it('explains an archive without manifest.json or index.json', () => {
    assert.deepStrictEqual(resolveImageLayout({ meta: meta({ '/repositories': {} }), links: new Map() }, 'linux/amd64'), {
      ok: false,
      reason: 'the archive has neither manifest.json nor index.json',
    });
  });

  it('follows a legacy layer symlink to the copy that holds the bytes', () => {
    const layout = resolveImageLayout(
      {
        meta: meta({
          '/manifest.json': [{ Config: 'c.json', Layers: ['a/layer.tar', 'b/layer.tar'] }],
          '/c.json': { os: 'linux', architecture: 'amd64' },
        }),
        links: new Map([['/b/layer.tar', '/a/layer.tar']]),
      },
      'linux/amd64',
    );
    assert.deepStrictEqual(layout, {
      ok: true,
      format: 'docker-save',
      imagePlatform: 'linux/amd64',
      layers: [
        { key: '/a/layer.tar', id: 'a/layer.tar' },
        { key: '/a/layer.tar', id: 'b/layer.tar' },
      ],
    });
  });
});
