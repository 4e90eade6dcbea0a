import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import svelte from 'eslint-plugin-svelte';
import globals from 'globals';

const restrict = (patterns) => ['error', { patterns }];

export default tseslint.config(
  { ignores: ['node_modules/', 'dist/', 'data/', 'bench/results/', '.tmp/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  ...svelte.configs['flat/recommended'],
  {
    languageOptions: { globals: { ...globals.node, ...globals.browser } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-explicit-any': 'off',
    },
  },
  {
    files: ['**/*.svelte', '**/*.svelte.ts'],
    languageOptions: { parserOptions: { parser: tseslint.parser, extraFileExtensions: ['.svelte'] } },
  },
  // The shared core is isomorphic: it may import zod, yjs and itself, nothing else.
  {
    files: ['shared/**/*.ts'],
    rules: {
      'no-restricted-imports': restrict([
        { group: ['**/server/**', '**/client/**', 'node:*'], message: 'shared/ imports only zod, yjs and shared/.' },
        { regex: '^(?!zod$|zod/|yjs$|\\.)', message: 'shared/ imports only zod, yjs and shared/.' },
      ]),
    },
  },
  {
    files: ['client/**/*.ts', 'client/**/*.svelte'],
    rules: {
      'no-restricted-imports': restrict([{ group: ['**/server/**'], message: 'The client never imports the server.' }]),
    },
  },
  {
    files: ['server/**/*.ts'],
    rules: {
      'no-restricted-imports': restrict([{ group: ['**/client/**'], message: 'The server never imports the client.' }]),
      'no-console': 'error',
    },
  },
);
