import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: { alias: { '@': path.resolve(path.dirname(fileURLToPath(import.meta.url))) } },
  test: {
    include: ['tests/**/*.test.ts'],
    // Removes each test file's temporary databases after it.
    setupFiles: ['tests/setup/temp-dirs.ts'],
    // Integration tests start real servers (one per file): two at a time on a two-core machine.
    maxWorkers: 2,
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
