// Lint rules for the whole tree. Type-aware: a promise nobody awaits or handles (a forge write that
// fails silently, a gate left pending) is a bug, so no-floating-promises and no-misused-promises
// are errors everywhere; node:test's test/describe/it are the only calls allowed to float.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const PURE_ROOMS = ['core', 'config', 'bump', 'policy', 'audit', 'report', 'bot'];
const nodeTest = {
  from: 'package',
  package: 'node:test',
  name: ['test', 'describe', 'it', 'suite', 'before', 'after', 'beforeEach', 'afterEach'],
};

export default tseslint.config(
  { ignores: ['node_modules/', 'coverage/', 'examples/', 'test/fixtures/'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: {
        projectService: { allowDefaultProject: ['eslint.config.js', '.dependency-cruiser.cjs'] },
        tsconfigRootDir: import.meta.dirname,
      },
      globals: { process: 'readonly', console: 'readonly', URL: 'readonly' },
    },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      '@typescript-eslint/no-floating-promises': ['error', { allowForKnownSafeCalls: [nodeTest] }],
      '@typescript-eslint/no-misused-promises': 'error',
      // Rethrowing what a catch or a rejected promise held is how errors travel on untouched.
      '@typescript-eslint/only-throw-error': ['error', { allowThrowingUnknown: true }],
      // TypeScript's noUnusedLocals already reports unused private members; this rule misreads `??=`.
      'no-unused-private-class-members': 'off',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' },
      ],
      'max-len': ['error', { code: 140, ignoreUrls: true, ignoreStrings: true, ignoreTemplateLiterals: true, ignoreRegExpLiterals: true }],
    },
  },
  {
    // Tests and scripts read JSON documents, spawned processes' output and webhook payload fixtures:
    // `any` is their material, and an async test callback need not await.
    files: ['**/*.test.ts', 'test/**/*.ts', 'scripts/**/*.ts'],
    rules: {
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/require-await': 'off',
    },
  },
  {
    // The pure rooms take data and return data: no environment, no clock, no network. Their imports
    // are dependency-cruiser's part (.dependency-cruiser.cjs); these are the globals it cannot see.
    files: PURE_ROOMS.map((room) => `src/${room}/**/*.ts`),
    ignores: ['**/*.test.ts', '**/__fixtures__/**'],
    rules: {
      'no-restricted-properties': [
        'error',
        { object: 'process', property: 'env', message: 'A pure room reads no environment: the entry passes what it needs.' },
        { object: 'Date', property: 'now', message: 'A pure room reads no clock: take `now` as a parameter.' },
        { object: 'performance', property: 'now', message: 'A pure room reads no clock: take `now` as a parameter.' },
      ],
      'no-restricted-globals': ['error', { name: 'fetch', message: 'A pure room does no network I/O: it works through a port.' }],
      'no-restricted-syntax': [
        'error',
        {
          selector: "NewExpression[callee.name='Date'][arguments.length=0]",
          message: 'A pure room reads no clock: take `now` as a parameter.',
        },
      ],
    },
  },
  { files: ['**/*.js', '**/*.cjs'], ...tseslint.configs.disableTypeChecked },
  { files: ['**/*.cjs'], languageOptions: { sourceType: 'commonjs', globals: { module: 'writable', require: 'readonly' } } },
);
