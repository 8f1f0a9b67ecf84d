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
  optimizeDeps: {
    /* LiveStore loads its SQLite WebAssembly next to the module; pre-bundling would lose it. */
    exclude: ['@livestore/wa-sqlite'],
  },
  /* LiveStore's leader and shared workers are ES modules. */
  worker: { format: 'es' },
  resolve: {
    alias: {
      '~/': `${import.meta.dirname}/inertia/`,
      '@generated': `${import.meta.dirname}/.adonisjs/client/`,
    },
  },
})
