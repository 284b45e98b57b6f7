import { test } from 'node:test';
import assert from 'node:assert/strict';
import { findSourceEdits } from './find-source-edits.ts';

const find = (dockerfile: string, scripts: { path: string; text: string }[] = []) =>
  findSourceEdits({
    files: [{ path: 'Dockerfile', text: dockerfile }, ...scripts],
    context: '.',
    upstream: 'tailscale/tailscale',
    buildArgs: {},
  }).map((e) => ({
    kind: e.kind,
    line: e.at.line,
    ...(e.kind === 'sed'
      ? { files: e.files }
      : e.kind === 'patch'
        ? { patch: e.patchFile, dir: e.directory }
        : e.kind === 'copy-go'
          ? { dest: e.destDir }
          : { reason: e.reason }),
  }));

test('the checkout comes from the clone, paths follow WORKDIR and cd, and files outside it are not upstream edits', () => {
  assert.deepEqual(
    find(
      [
        'FROM golang:1.25-alpine AS build',
        'RUN git clone --depth 1 https://github.com/tailscale/tailscale.git /src/ts',
        'WORKDIR /src',
        "RUN cd ts && sed -i 's/a/b/' net/tstun/wrap.go ../other.go /etc/hosts",
        'COPY patches/ /patches/',
        'RUN cd /src/ts/net && patch -p1 -d .. < /patches/fix.patch && git -C /src/ts apply /patches/two.patch',
        'COPY patches/x.go ts/cmd/tailscaled/',
      ].join('\n'),
    ),
    [
      { kind: 'sed', line: 4, files: ['net/tstun/wrap.go'] },
      { kind: 'patch', line: 6, patch: 'patches/fix.patch', dir: '' },
      { kind: 'patch', line: 6, patch: 'patches/two.patch', dir: '' },
      { kind: 'copy-go', line: 7, dest: 'cmd/tailscaled' },
    ],
  );
});

test('a featuretags call later in the stage locates the checkout for an edit written before it; a stage FROM another keeps its checkout', () => {
  assert.deepEqual(
    find(
      [
        'FROM scratch AS build',
        'WORKDIR /src',
        "RUN sed -i 's/a/b/' net/tstun/wrap.go",
        'RUN ./tools/featuretags --min',
        'FROM build AS second',
        "RUN sed -i 's/c/d/' net/dns/config.go",
      ].join('\n'),
    ),
    [
      { kind: 'sed', line: 3, files: ['net/tstun/wrap.go'] },
      { kind: 'sed', line: 6, files: ['net/dns/config.go'] },
    ],
  );
});

test('what cannot be pinned down is unreadable with the reason, never dropped', () => {
  assert.deepEqual(
    find(
      [
        'FROM golang AS build',
        "RUN sed -i 's/a/b/' net/tstun/wrap.go",
        'WORKDIR /src/ts',
        'RUN git clone https://github.com/tailscale/tailscale .',
        'RUN cat /tmp/x.patch | patch -p1 && sed -i "s/x/$Y/" "$F"',
      ].join('\n'),
    ).map((e) => [e.line, 'reason' in e ? e.reason : e.kind]),
    [
      [
        2,
        'bumpguard cannot tell where the upstream checkout is (no `git clone` of it, `ADD` of its git URL or featuretags call before this line)',
      ],
      [5, 'patch reads its patch from a pipe or an argument bumpguard does not follow; use `patch -pN < file` or `-i file`'],
      [5, 'the path $F comes from a shell variable bumpguard cannot resolve'],
    ],
  );
});

test('a script the Dockerfile runs is read in the directory of that RUN; ARG values and build args resolve paths', () => {
  const edits = findSourceEdits({
    files: [
      {
        path: 'Dockerfile',
        text: 'FROM golang\nARG SRC=/src/ts\nRUN git clone https://github.com/tailscale/tailscale.git ${SRC}\nWORKDIR ${SRC}\nRUN ./scripts/patch.sh\n',
      },
      { path: 'scripts/patch.sh', text: '#!/bin/sh\nFILE=net/tstun/wrap.go\nsed -i -e \'s/a/b/\' "$FILE"\n' },
    ],
    context: '.',
    upstream: 'tailscale/tailscale',
    buildArgs: { SRC: '/build/ts' },
  });
  assert.deepEqual(
    edits.map((e) => [e.at.path, e.at.line, e.kind === 'sed' ? e.files : e.kind]),
    [['scripts/patch.sh', 3, ['net/tstun/wrap.go']]],
  );
});
