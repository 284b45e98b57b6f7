import assert from 'node:assert/strict';
import { test } from 'node:test';
import { readSedInvocation } from './sed-commands.ts';
import { tokenizeShell } from './shell-lines.ts';

/** Read the sed that starts the command line `text`, in brief. */
function read(text: string) {
  const tokens = tokenizeShell(text);
  const sed = readSedInvocation(tokens, 1);
  return {
    scripts: sed.scripts.map((s) => s.word.value),
    scriptFiles: sed.scriptFiles.map((w) => w.value),
    files: sed.files.map((w) => w.value),
    inPlace: sed.inPlace,
    flags: sed.flags,
    problems: sed.problems,
    next: tokens[sed.end]?.value ?? null,
  };
}

test('`sed -e | cmd` is a sed with no script that ends at the pipe, not a sed whose script is cmd', () => {
  assert.deepEqual(read("sed -e | tr , ' '"), {
    scripts: [],
    scriptFiles: [],
    files: [],
    inPlace: false,
    flags: [],
    problems: ['sed -e has no argument after it'],
    next: '|',
  });
});

test('clustered and attached options read as getopt reads them', () => {
  assert.deepEqual(read("sed -ne 's/a/b/p' -Ees/x/y/ in.txt"), {
    scripts: ['s/a/b/p', 's/x/y/'],
    scriptFiles: [],
    files: ['in.txt'],
    inPlace: false,
    flags: ['-n', '-E'],
    problems: [],
    next: null,
  });
  // `-ie` is -i with the backup suffix "e", so the next word is the script, not an -e argument.
  assert.deepEqual(read("sed -ie 's/a/b/' f.go"), {
    scripts: ['s/a/b/'],
    scriptFiles: [],
    files: ['f.go'],
    inPlace: true,
    flags: [],
    problems: [],
    next: null,
  });
  assert.deepEqual(read("sed --in-place=.orig --expression='s/a/b/' --expression 's/c/d/' -- -odd.go && make").scripts, [
    's/a/b/',
    's/c/d/',
  ]);
  assert.deepEqual(read("sed --in-place=.orig --expression='s/a/b/' -- -odd.go && make").files, ['-odd.go']);
});

test('a script file (-f) leaves every operand an input file', () => {
  assert.deepEqual(read('sed -i -f patches/wrap.sed net/tstun/wrap.go; go build'), {
    scripts: [],
    scriptFiles: ['patches/wrap.sed'],
    files: ['net/tstun/wrap.go'],
    inPlace: true,
    flags: [],
    problems: [],
    next: ';',
  });
});

test('options that change the result are kept for a replay; unknown ones are reported', () => {
  assert.deepEqual(read("sed -z -s --posix -u --debug -l 80 -Q 's/a/b/' f").flags, ['-z', '-s', '--posix']);
  assert.deepEqual(read("sed -z -s --posix -u --debug -l 80 -Q 's/a/b/' f").problems, ['sed option -Q is not understood']);
});
