import { Logger } from '@adonisjs/core/logger'
import { HttpContext } from '@adonisjs/core/http'
import { type NextFn } from '@adonisjs/core/types/http'
import { isApiRequest } from '#core/api_request'

/**
 * The container bindings middleware binds classes to their request
 * specific value using the container resolver.
 *
 * - We bind "HttpContext" class to the "ctx" object
 * - And bind "Logger" class to the "ctx.logger" object
 */
export default class ContainerBindingsMiddleware {
  handle(ctx: HttpContext, next: NextFn) {
    ctx.containerResolver.bindValue(HttpContext, ctx)
    ctx.containerResolver.bindValue(Logger, ctx.logger)
    if (isApiRequest(ctx)) deferView(ctx)

    return next()
  }
}

/*
| A JSON API request's `ctx.view`, built only if something renders with it.
| The session shares its values with the view on every request that has
| one (`'view' in ctx`), and the first access of `ctx.view` builds an Edge
| renderer and runs its plugins (listing the components): ~0.1 ms of each
| JSON call for nothing, since a JSON answer renders no template. Shares
| are kept and handed to the real renderer the moment anything else is
| asked of it (an error page for a client that wants HTML).
*/
function deferView(ctx: HttpContext) {
  const prototypeGetter = Object.getOwnPropertyDescriptor(Object.getPrototypeOf(ctx), 'view')?.get
  if (!prototypeGetter || Object.hasOwn(ctx, 'view')) return
  const shares: unknown[] = []
  let renderer: Record<PropertyKey, unknown> | null = null
  const real = () => {
    if (!renderer) {
      renderer = prototypeGetter.call(ctx) as Record<PropertyKey, unknown>
      for (const data of shares) (renderer.share as (data: unknown) => unknown)(data)
      shares.length = 0
    }
    return renderer
  }
  const deferred: Record<PropertyKey, unknown> = new Proxy(
    {},
    {
      get(_, property) {
        if (property === 'share' && !renderer) {
          return (data: unknown) => {
            shares.push(data)
            return deferred
          }
        }
        const target = real()
        const value = target[property]
        return typeof value === 'function' ? value.bind(target) : value
      },
      has: (_, property) => property in real(),
    }
  )
  Object.defineProperty(ctx, 'view', { value: deferred, configurable: true, writable: true })
}
