import router from '@adonisjs/core/services/router'
import server from '@adonisjs/core/services/server'

server.errorHandler(() => import('#exceptions/handler'))

server.use([
  /* A burst of requests is handled at most 16 per turn of the event loop (see the file). */
  () => import('#middleware/request_turn_middleware'),
  () => import('#middleware/container_bindings_middleware'),
  /* The development OpenID Connect provider at /oidc (dev/test only; off when LOGTO_ENDPOINT is set). */
  () => import('#auth/middleware/dev_oidc_middleware'),
  () => import('@adonisjs/static/static_middleware'),
  () => import('@adonisjs/vite/vite_middleware'),
  () => import('#middleware/inertia_middleware'),
])

router.use([
  () => import('@adonisjs/core/bodyparser_middleware'),
  /* Stock session and shield, minus per-request rework (see the files). */
  () => import('#middleware/session_middleware'),
  () => import('#middleware/shield_middleware'),
  () => import('@adonisjs/auth/initialize_auth_middleware'),
  () => import('#middleware/silent_auth_middleware'),
])

export const middleware = router.named({
  guest: () => import('#middleware/guest_middleware'),
  auth: () => import('#middleware/auth_middleware'),
})
