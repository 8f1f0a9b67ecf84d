import app from '@adonisjs/core/services/app'
import { type HttpContext, ExceptionHandler } from '@adonisjs/core/http'
import type { StatusPageRange, StatusPageRenderer } from '@adonisjs/core/types/http'

export default class HttpExceptionHandler extends ExceptionHandler {
  protected debug = !app.inProduction

  /*
  | Our own 404 and error pages everywhere but in tests, where the
  | assertion wants the status code and JSON error, not a page.
  */
  protected renderStatusPages = !app.inTest

  protected statusPages: Record<StatusPageRange, StatusPageRenderer> = {
    '404': (_, { inertia }) => inertia.render('errors/not_found', {}),
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
    return super.handle(error, ctx)
  }

  async report(error: unknown, ctx: HttpContext) {
    return super.report(error, ctx)
  }
}
