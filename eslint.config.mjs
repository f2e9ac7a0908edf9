// ESLint (flat config): typescript-eslint's recommended rules for the TypeScript, ESLint's for the
// JavaScript (server, demo, tests, benches), and eslint-plugin-lit's for the elements. Formatting is
// Prettier's (.prettierrc.json), not ESLint's. `npm run lint` runs both checks, as CI does.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import lit from 'eslint-plugin-lit';
import globals from 'globals';

export default tseslint.config(
  {
    ignores: [
      'dist/',
      'build/',
      'node_modules/',
      'server/node_modules/',
      'test-results/',
      '.scratch/',
      'bench/results/',
      'bench/*-libs/',
      'api/*.api.md',
    ],
  },
  js.configs.recommended,
  {
    files: ['**/*.ts'],
    extends: [tseslint.configs.recommended],
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      // tsc's noUnusedLocals/noUnusedParameters already check this, with the same exceptions
      '@typescript-eslint/no-unused-vars': 'off',
      // `const self = this` for getters in an object literal that must read the instance
      '@typescript-eslint/no-this-alias': ['error', { allowedNames: ['self'] }],
    },
  },
  {
    files: ['src/elements/**/*.ts'],
    extends: [lit.configs['flat/recommended']],
  },
  {
    files: ['**/*.mjs', '**/*.js'],
    languageOptions: { globals: { ...globals.node, ...globals.browser }, ecmaVersion: 'latest', sourceType: 'module' },
    rules: {
      'no-unused-vars': ['error', { argsIgnorePattern: '^_', caughtErrors: 'none' }],
    },
  },
);
