// ESLint over the TypeScript sources, tests and scripts: the recommended rules of ESLint and
// typescript-eslint, plus the project's layer rule (scripts/eslint/layers.mjs).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import { layers } from './scripts/eslint/layers.mjs';

export default tseslint.config(
  {
    ignores: ['**/dist/**', '**/node_modules/**', 'docs/api/**', '**/out/**', '**/.vite/**', 'coverage/**'],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      globals: {
        console: 'readonly',
        process: 'readonly',
        URL: 'readonly',
        performance: 'readonly',
        setTimeout: 'readonly',
        clearTimeout: 'readonly',
        globalThis: 'readonly',
        document: 'readonly',
        window: 'readonly',
        Buffer: 'readonly',
        structuredClone: 'readonly',
        queueMicrotask: 'readonly',
        WebAssembly: 'readonly',
        TextEncoder: 'readonly',
        TextDecoder: 'readonly',
      },
    },
    plugins: { tapegrad: { rules: { layers } } },
    rules: {
      'tapegrad/layers': 'error',
      // Heterogeneous tables (op specs, batching rules, test rows) and pytree-valued transforms
      // are typed with any on purpose; each is checked where it is built.
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' },
      ],
    },
  },
);
