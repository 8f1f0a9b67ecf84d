import { defineConfig } from 'vite'
import react from '@vitejs/plugin-react'
import tailwindcss from '@tailwindcss/vite'
import adonisjs from '@adonisjs/vite/client'

export default defineConfig({
  plugins: [
    react(),
    tailwindcss(),
    adonisjs({ entryPoints: ['inertia/app.tsx'], reload: ['resources/views/**/*.edge'] }),
  ],
  /*
  | There is no index.html for Vite to crawl, so name the entry points: every
  | dependency is pre-bundled when the dev server starts, instead of being
  | discovered on the first visit to a page, which makes Vite reload the
  | page in the middle of whatever the visitor (or a browser test) is doing.
  */
  optimizeDeps: {
    entries: ['inertia/app.tsx', 'inertia/pages/**/*.tsx', 'inertia/livestore/*.worker.ts'],
    /* LiveStore loads its SQLite WebAssembly next to the module; pre-bundling would lose it. */
    exclude: ['@livestore/wa-sqlite'],
  },
  /* LiveStore's leader and shared workers are ES modules. */
  worker: { format: 'es' },
  /*
  | The SQLite files, logs and scratch files under tmp/ (and a build) change
  | all the time; none of them is front-end source, and a change there must
  | not reload open pages. Under tests (`node ace test` runs Vite inside the
  | test process) nothing is watched and there is no HMR: a file saved
  | during a run must not reload the page a browser test is driving.
  */
  server:
    process.env.NODE_ENV === 'test'
      ? { hmr: false, watch: null }
      : { watch: { ignored: ['**/tmp/**', '**/build/**', '**/*.sqlite*'] } },
  resolve: {
    alias: {
      '~/': `${import.meta.dirname}/inertia/`,
      '@generated': `${import.meta.dirname}/.adonisjs/client/`,
    },
  },
})
