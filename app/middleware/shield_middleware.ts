import { createHash, timingSafeEqual } from 'node:crypto'
import app from '@adonisjs/core/services/app'
import type { HttpContext } from '@adonisjs/core/http'
import type { NextFn } from '@adonisjs/core/types/http'
import { errors as shieldErrors } from '@adonisjs/shield'
import type { ShieldConfig } from '@adonisjs/shield/types'
// Its declarations add `request.csrfToken` and `response.nonce` to the context types.
import type {} from '@adonisjs/shield/shield_middleware'
import { isApiRequest } from '#core/api_request'

type Guard = (ctx: HttpContext) => unknown

/*
| Shield, as configured in config/shield.ts, with its guards built once. The
| stock middleware is bound per resolution, so every request rebuilt them
| (the CSP directives normalised again, a new CSRF token generator); they
| keep no state between requests (the nonce and the token are made per
| request), so one set serves all.
|
| JSON API routes (/api/...) get X-Frame-Options, HSTS and nosniff, a fixed
| CSP that allows nothing at all instead of the page policy with its
| per-request nonce (a JSON answer loads nothing and must never be framed
| or run), and the same CSRF check as pages: the same methods and exempt
| routes, the same token sources, the same secret in the session, the same
| 403. It does not mint a new XSRF-TOKEN cookie on every call (the page the
| call comes from holds one), and compares with timingSafeEqual: shield's
| compare (tsscmp) imports two fresh HMAC keys per call, slow on Node 24.
*/
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
  const apiCsrf = apiCsrfGuard(config.csrf || {}, encryption)
  return {
    page: [csrf, cspFactory(config.csp || {}) as Guard, ...common],
    api: [apiCsrf, apiCsp, ...common],
  }
}

/* Shield's session key for the CSRF secret, and the purpose its XSRF-TOKEN cookie is encrypted for. */
const CSRF_SECRET_KEY = 'csrf-secret'
const XSRF_COOKIE = 'XSRF-TOKEN'

function apiCsrfGuard(
  options: NonNullable<ShieldConfig['csrf']>,
  encryption: { decrypt<T>(value: string, purpose?: string): T | null }
): Guard {
  if (!options.enabled) return () => {}
  const methods = (options.methods || []).map((method) => method.toUpperCase())
  const except = options.exceptRoutes || []
  const exempt = (ctx: HttpContext) =>
    typeof except === 'function' ? except(ctx) : except.includes(ctx.route?.pattern ?? '')

  const tokenOf = ({ request }: HttpContext): string | null => {
    const input = request.input('_csrf')
    if (input) return String(input)
    const header = request.header('x-csrf-token')
    if (header) return header
    if (!options.enableXsrfCookie) return null
    const encrypted = request.header('x-xsrf-token')
    if (!encrypted) return null
    let value: string
    try {
      value = decodeURIComponent(encrypted)
    } catch {
      return null
    }
    const token = encryption.decrypt<unknown>(value.slice(2), XSRF_COOKIE)
    return typeof token === 'string' ? token : null
  }

  return (ctx) => {
    if (methods.length && !methods.includes(ctx.request.method())) return
    if (exempt(ctx)) return
    const secret = ctx.session.get(CSRF_SECRET_KEY)
    const token = tokenOf(ctx)
    if (typeof secret !== 'string' || !secret || !token || !csrfTokenMatches(secret, token)) {
      throw new shieldErrors.E_BAD_CSRF_TOKEN()
    }
  }
}

/* The csrf package's token: `${salt}-${base64url(sha1(`${salt}-${secret}`))}`. */
function csrfTokenMatches(secret: string, token: string): boolean {
  const dash = token.indexOf('-')
  if (dash === -1) return false
  const salt = token.slice(0, dash)
  const hash = createHash('sha1').update(`${salt}-${secret}`, 'ascii').digest('base64url')
  const expected = Buffer.from(`${salt}-${hash}`)
  const given = Buffer.from(token)
  return expected.length === given.length && timingSafeEqual(expected, given)
}

export default class ShieldMiddleware {
  async handle(ctx: HttpContext, next: NextFn) {
    built ??= buildGuards().catch((error) => {
      built = undefined
      throw error
    })
    const guards = await built
    const list = isApiRequest(ctx) ? guards.api : guards.page
    for (const guard of list) await guard(ctx)
    return next()
  }
}
