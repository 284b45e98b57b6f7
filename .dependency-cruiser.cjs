// The rooms of src/ and who may enter which (docs/architecture.md § Rules between rooms), checked
// by `npm run lint:deps` in `npm test`. A room is a directory of src/; its index.ts is its only door.

// Each room and the rooms it may import, lowest first. Pure rooms take data and return data; edges
// do I/O and see only the pure rooms and `engine`; jobs is the only room that sees both; the entries
// (server, cli) wire everything together. Tests may wire real edges into what they test.
const ROOMS = {
  core: [],
  config: ['core'],
  bump: ['core', 'config'],
  policy: ['core', 'config'],
  audit: ['core', 'config', 'bump', 'policy'],
  report: ['core', 'config', 'policy'],
  bot: ['core', 'config', 'policy', 'report'],
  engine: ['core', 'config'],
  upstream: ['core', 'engine'],
  repo: ['core', 'engine'],
  build: ['core', 'config', 'engine'],
  measure: ['core', 'config', 'engine'],
  forges: ['core'],
  store: ['core'],
  jobs: ['core', 'config', 'bump', 'policy', 'audit', 'report', 'bot', 'engine', 'upstream', 'repo', 'build', 'measure', 'forges', 'store'],
  server: [
    'core',
    'config',
    'bump',
    'policy',
    'audit',
    'report',
    'bot',
    'engine',
    'upstream',
    'repo',
    'build',
    'measure',
    'forges',
    'store',
    'jobs',
  ],
  cli: ['core', 'config', 'bump', 'policy', 'audit', 'report', 'engine', 'upstream', 'repo', 'build', 'measure', 'store', 'jobs', 'server'],
};
const PURE = ['core', 'config', 'bump', 'policy', 'audit', 'report', 'bot'];

// What the pure rooms must not load: the file system, processes, the network, the database, and the
// libraries that wrap them. (The environment and the clock are ESLint's part: eslint.config.js.)
const IO_MODULES = [
  '^node:(fs|fs/promises|child_process|net|http|https|http2|dgram|dns|os|sqlite|worker_threads|cluster|tty|readline)$',
  '^(fs|child_process|net|http|https|os)$',
  '^(execa|probot|pino|tar-stream|p-queue|nock)$',
  '^@octokit/',
];

module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      comment: 'A cycle, of values or of types, means two modules are one idea or a third is missing.',
      severity: 'error',
      from: { path: '^(src|test|scripts)/' },
      to: { circular: true },
    },
    ...Object.entries(ROOMS).map(([room, allowed]) => ({
      name: `room-order-${room}`,
      comment: `src/${room} may import only ${allowed.length ? allowed.map((r) => `src/${r}`).join(', ') : 'itself'}.`,
      severity: 'error',
      from: { path: `^src/${room}/`, pathNot: '\\.test\\.ts$' },
      to: { path: '^src/', pathNot: `^src/(${[room, ...allowed].join('|')})/` },
    })),
    {
      name: 'through-the-door',
      comment: "Another room's files are reached through its index.ts only.",
      severity: 'error',
      from: { path: '^src/([^/]+)/' },
      to: { path: '^src/[^/]+/', pathNot: ['^src/$1/', '^src/[^/]+/index\\.ts$', '/__fixtures__/'] },
    },
    {
      name: 'through-the-door-from-outside',
      comment:
        'Tests and scripts outside src/ use the rooms as the rooms use each other: by their doors (shared report scenarios excepted).',
      severity: 'error',
      from: { path: '^(test|scripts)/' },
      to: { path: '^src/[^/]+/', pathNot: ['^src/[^/]+/index\\.ts$', '/__fixtures__/'] },
    },
    {
      name: 'pure-rooms-do-no-io',
      comment: 'The pure rooms are tested with data alone: no file system, process, network, database or their libraries.',
      severity: 'error',
      from: { path: `^src/(${PURE.join('|')})/`, pathNot: '\\.test\\.ts$|/__fixtures__/' },
      to: { path: IO_MODULES },
    },
    {
      name: 'no-orphans',
      comment: 'A module nothing imports is dead (entry points and tests excepted).',
      severity: 'error',
      from: {
        orphan: true,
        pathNot: [
          '\\.test\\.ts$',
          '^src/cli/main\\.ts$',
          '^(scripts|test)/',
          '\\.d\\.ts$',
          '(^|/)\\.[^/]+\\.(c|m)?js$',
          '^eslint\\.config\\.js$',
          '^bin/',
        ],
      },
      to: {},
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    // Type-only imports count: a type cycle is a cycle, and a room's types are part of its door.
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default', 'types'] },
    exclude: { path: '^(node_modules|examples|test/fixtures|test/corpus)/' },
  },
};
