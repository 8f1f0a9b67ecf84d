import app from '@adonisjs/core/services/app'
import { type HttpContext, ExceptionHandler } from '@adonisjs/core/http'
import type { StatusPageRange, StatusPageRenderer } from '@adonisjs/core/types/http'
import { cspFactory, frameGuardFactory, hstsFactory, noSniffFactory } from '@adonisjs/shield/guards'
import { errors as vineErrors } from '@vinejs/vine'
import shieldConfig from '#config/shield'
import { isApiRequest } from '#core/api_request'

/*
| A request that matched no route never ran the router middleware, shield
| included, yet its 404 page runs scripts like any other page. These give
| it the same Content-Security-Policy (and nonce), frame, HSTS and sniffing
| headers. (No CSRF guard: there is no session and nothing to protect.)
*/
const pageGuards = [
  cspFactory(shieldConfig.csp),
  frameGuardFactory(shieldConfig.xFrame),
  hstsFactory(shieldConfig.hsts),
  noSniffFactory(shieldConfig.contentTypeSniffing),
]

export default class HttpExceptionHandler extends ExceptionHandler {
  protected debug = !app.inProduction

  /*
  | Our own 404 and error pages for every request that wants HTML, tests
  | included (the browser suite checks them). The status code is kept, and
  | clients asking for JSON still get the JSON error.
  */
  protected renderStatusPages = true

  protected statusPages: Record<StatusPageRange, StatusPageRenderer> = {
    '404': async (_, ctx) => {
      if (!ctx.route) for (const guard of pageGuards) await guard(ctx)
      return ctx.inertia.render('errors/not_found', {})
    },
    '500..599': (_, { inertia }) => inertia.render('errors/server_error', {}),
  }

  async handle(error: unknown, ctx: HttpContext) {
    /*
    | A JSON client with a bad CSRF token gets a plain 403. Shield's own answer
    | is a redirect back that also flashes every submitted field into the
    | session, which for PUT /api/keys/:provider would be an API key.
    */
    if (
      (error as { code?: unknown })?.code === 'E_BAD_CSRF_TOKEN' &&
      !ctx.request.header('x-inertia') &&
      ctx.request.accepts(['html', 'json']) === 'json'
    ) {
      return ctx.response.forbidden({
        errors: [
          {
            code: 'E_BAD_CSRF_TOKEN',
            message: 'Invalid or expired CSRF token. Reload the page and try again.',
          },
        ],
      })
    }
    /*
    | The JSON API answers bad input with 422 and the validator's messages,
    | whatever the client accepts: the stock answer for a form is a redirect
    | that flashes the submitted fields (an API key among them) into the session.
    */
    if (error instanceof vineErrors.E_VALIDATION_ERROR && isApiRequest(ctx)) {
      return ctx.response.unprocessableEntity({ errors: error.messages })
    }
    return super.handle(error, ctx)
  }

  async report(error: unknown, ctx: HttpContext) {
    return super.report(error, ctx)
  }
}
