import app from '@adonisjs/core/services/app'
import type { HttpContext } from '@adonisjs/core/http'
import type { NextFn } from '@adonisjs/core/types/http'
import type { ShieldConfig } from '@adonisjs/shield/types'
// Its declarations add `request.csrfToken` and `response.nonce` to the context types.
import type {} from '@adonisjs/shield/shield_middleware'

type Guard = (ctx: HttpContext) => unknown

/*
| Shield, as configured in config/shield.ts, with its guards built once. The
| stock middleware is bound per resolution, so every request rebuilt them
| (the CSP directives normalised again, a new CSRF token generator); they
| keep no state between requests (the nonce and the token are made per
| request), so one set serves all.
|
| JSON API routes (/api/...) get the same CSRF check (same token, same
| secret, same 403), X-Frame-Options, HSTS and nosniff, and instead of the
| page policy with its per-request nonce a fixed CSP that allows nothing at
| all: a JSON answer loads nothing and must never be framed or run.
*/
const API_PREFIX = '/api/'
const API_CSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"

let built: Promise<{ page: Guard[]; api: Guard[] }> | undefined

async function buildGuards() {
  const { csrfFactory, cspFactory, frameGuardFactory, hstsFactory, noSniffFactory } =
    await import('@adonisjs/shield/guards')
  const config = app.config.get<ShieldConfig>('shield', {})
  const encryptionManager = await app.container.make('encryption')
  const encryption = encryptionManager.use()
  const edgeModule = app.usingEdgeJS ? await import('edge.js') : undefined
  const edge = edgeModule?.default
  const csrf = csrfFactory(config.csrf || {}, encryption, edge) as Guard
  const common = [
    frameGuardFactory(config.xFrame || {}),
    hstsFactory(config.hsts || {}),
    noSniffFactory(config.contentTypeSniffing || {}),
  ] as Guard[]
  const apiCsp: Guard = ({ response }) => {
    response.header('Content-Security-Policy', API_CSP)
  }
  return {
    page: [csrf, cspFactory(config.csp || {}) as Guard, ...common],
    api: [csrf, apiCsp, ...common],
  }
}

export default class ShieldMiddleware {
  async handle(ctx: HttpContext, next: NextFn) {
    built ??= buildGuards().catch((error) => {
      built = undefined
      throw error
    })
    const guards = await built
    const list = ctx.request.url().startsWith(API_PREFIX) ? guards.api : guards.page
    for (const guard of list) await guard(ctx)
    return next()
  }
}
