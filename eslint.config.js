import tseslint from 'typescript-eslint';

const pureBan = {
  patterns: [
    { group: ['node:*', 'fs', 'path', 'os', 'child_process', 'worker_threads'], message: 'The pure core does no I/O.' },
    { group: ['@tensorflow/*', '@vladmandic/*', 'sharp', '@napi-rs/*', 'gifenc'], message: 'The pure core imports no tfjs, detector, image or canvas library.' },
    { group: ['**/face/**', '**/render/**', '**/export/**', '**/cli/**', '**/server/**', '**/web/**'], message: 'The pure core never imports the edges.' },
  ],
};

export default tseslint.config(
  { ignores: ['node_modules/**', 'scratch/**', 'out/**', 'reports/**', 'dist/**', 'src/core/canonical-data.ts'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/ban-ts-comment': 'error',
    },
  },
  {
    files: ['src/core/**/*.ts', 'src/language/**/*.ts', 'src/motion/**/*.ts'],
    ignores: ['**/*.test.ts'],
    rules: { 'no-restricted-imports': ['error', pureBan] },
  },
);
