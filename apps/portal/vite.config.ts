import { defineConfig } from 'vite';

// The API serves the built files at /portal/ (apps/api/src/portal/portal-page.ts).
export default defineConfig({
  base: '/portal/',
  logLevel: 'warn',
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // The page's CSP allows scripts and styles from its own origin only: nothing inline.
    modulePreload: { polyfill: false },
    assetsInlineLimit: 0,
    sourcemap: false,
    rolldownOptions: {
      onwarn(warning, warn) {
        // TanStack Query marks its modules "use client" for server-component frameworks; meaningless in a page.
        if (warning.code === 'MODULE_LEVEL_DIRECTIVE') return;
        warn(warning);
      },
    },
  },
});
