import assert from 'node:assert/strict';
import { test } from 'node:test';
import { findRemoteSources } from './remote-sources.ts';

test('a router image from scratch, its own stages and local files fetch nothing', () => {
  const df = [
    'ARG BASE=scratch',
    'FROM ${BASE} AS rootfs',
    'COPY busybox /bin/busybox',
    'ADD rootfs.tar /',
    'FROM scratch',
    'COPY --from=rootfs / /',
    'COPY --from=0 /bin/busybox /bin/sh',
    'RUN --mount=type=bind,from=rootfs,target=/r ["/bin/busybox", "true"]',
    'RUN <<EOF',
    'ADD http://example.com/not-an-instruction /x',
    'EOF',
  ].join('\n');
  assert.deepEqual(findRemoteSources(df), []);
});

test('ADD of a URL or git repository, a pulled base image, COPY --from an image and a syntax frontend are found with their lines', () => {
  const df = [
    '# syntax=docker/dockerfile:1.7',
    'FROM --platform=$BUILDPLATFORM golang:1.25-alpine AS build',
    'ADD --chmod=600 http://127.0.0.1:8080/secret /s',
    'add ["git@github.com:o/r.git", "/src"]',
    'FROM scratch',
    'COPY --from=alpine:3 /etc/ssl /etc/ssl',
    'RUN --mount=type=cache,target=/root/.cache/go-build \\',
    '    --mount=from=registry.local/tools,target=/t true',
  ].join('\n');
  assert.deepEqual(findRemoteSources(df), [
    { kind: 'frontend', line: 1, what: 'docker/dockerfile:1.7' },
    { kind: 'image', line: 2, what: 'golang:1.25-alpine' },
    { kind: 'url', line: 3, what: 'http://127.0.0.1:8080/secret' },
    { kind: 'url', line: 4, what: 'git@github.com:o/r.git' },
    { kind: 'image', line: 6, what: 'alpine:3' },
    { kind: 'cache-mount', line: 7, what: '/root/.cache/go-build' },
    { kind: 'image', line: 7, what: 'registry.local/tools' },
  ]);
});

test('an image named by an ARG resolves through the build args; an unknown one counts as remote', () => {
  assert.deepEqual(findRemoteSources('ARG BASE\nFROM $BASE\n', { BASE: 'scratch' }), []);
  assert.deepEqual(findRemoteSources('FROM ${IMG}\n'), [{ kind: 'image', line: 1, what: '${IMG}' }]);
  assert.deepEqual(findRemoteSources('FROM ${IMG:-scratch}\n'), []);
});

test('continuations with the escape directive, and comments inside them, are joined', () => {
  assert.deepEqual(findRemoteSources('# escape=`\nADD `\n# note\n  https://example.com/a.tgz /a\n'), [
    { kind: 'url', line: 2, what: 'https://example.com/a.tgz' },
  ]);
});
