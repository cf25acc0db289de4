import { defineConfig } from 'vitest/config';
import preact from '@preact/preset-vite';
import { gzipAssets } from './scripts/gzip-assets.ts';

// The built files land in target/ so that Maven packages them into the sightline-ui jar under
// dev/sightline/ui/static/ (see pom.xml); every file also gets a precompressed .gz next to it.
export default defineConfig({
  plugins: [preact(), gzipAssets()],
  build: {
    outDir: 'target/classes/dev/sightline/ui/static',
    emptyOutDir: true,
    assetsDir: 'assets',
    sourcemap: false,
    chunkSizeWarningLimit: 600,
  },
  server: {
    proxy: { '/api': 'http://localhost:8420' },
  },
  test: {
    include: ['src/**/*.test.ts', 'src/**/*.test.tsx'],
    environment: 'node',
  },
});
