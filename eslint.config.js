import { configApp } from '@adonisjs/eslint-config'

export default configApp(
  {
    ignores: ['.adonisjs/**', 'build/**', 'public/assets/**', 'tmp/**'],
  },
  {
    /*
    | shared/ holds code both sides run (the LiveStore schema the browser's worker and the sync
    | server decode events with, pure chat logic): the browser may import it through #shared.
    */
    files: ['inertia/**/*.{ts,tsx}'],
    rules: { '@adonisjs/no-backend-import-in-frontend': ['error', { allowed: ['#shared/**'] }] },
  }
)
