import type { HttpContext } from '@adonisjs/core/http'

/*
| The JSON API lives under /api/ (start/routes.ts). Its requests get their own
| security headers and CSRF check (shield_middleware), no template renderer
| unless something renders (container_bindings_middleware), and 422 answers
| for bad input (exceptions/handler).
*/
export function isApiRequest(ctx: HttpContext) {
  return ctx.request.url().startsWith('/api/')
}
