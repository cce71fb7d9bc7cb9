// Builds the console's front end into ../dist/public, which the console service serves.
// `npx nx build console` runs it after the TypeScript build of the service.
import react from '@vitejs/plugin-react';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  plugins: [react()],
  build: {
    outDir: fileURLToPath(new URL('../dist/public', import.meta.url)),
    emptyOutDir: true,
    sourcemap: false,
    chunkSizeWarningLimit: 600,
  },
  // `npx vite --config web/vite.config.mjs` for front-end work against a running console.
  server: { proxy: { '/api': 'http://127.0.0.1:3006' } },
});
