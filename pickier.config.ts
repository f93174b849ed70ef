// Lint only: never run pickier's formatter (it corrupts TypeScript in 0.1.20 — see shared notes).
// Formatting is Biome's job (`bun run fmt`).
export default {
  ignores: [
    '**/node_modules/**',
    '**/dist/**',
    '**/generated/**',
    '**/data/**',
    'cloud/out/**',
    'src/storage/db/migrations/**',
  ],
  lint: { extensions: ['ts'], reporter: 'stylish', cache: false, maxWarnings: 0 },
  format: { extensions: ['ts'], indent: 2, quotes: 'single', semi: false },
  rules: { noDebugger: 'error', noConsole: 'off' },
  pluginRules: {
    'pickier/no-unused-vars': 'off', // false positives; tsc noUnusedLocals/noUnusedParameters instead
    'pickier/prefer-const': 'off', // misses `x ||= y`
    'ts/no-top-level-await': 'off', // normal in Bun scripts
    'style/brace-style': 'off', // layout is Biome's job
    'style/max-statements-per-line': 'off', // counts `;` in type literals
  },
}
