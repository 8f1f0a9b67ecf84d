import { inject } from '@adonisjs/core'
import type { HttpContext } from '@adonisjs/core/http'
import type { NextFn } from '@adonisjs/core/types/http'
import type { Session } from '@adonisjs/session'
import StockSessionMiddleware from '@adonisjs/session/session_middleware'

/* When the session was last written back (ms since the epoch), kept in the session itself. */
const WRITTEN_AT = 'session_written_at'
/* An unchanged session is written back at most this often: enough to keep the 7-day age sliding. */
const REWRITE_AFTER_MS = 60 * 60 * 1000

/*
| Adonis's session middleware, without writing back a session nothing
| changed. Stock, every response re-sends both session cookies just to push
| their expiry forward: the id signed again and, with the cookie store, the
| whole session decrypted and encrypted again (four HMAC/AES operations).
| Here an unchanged session is written back at most once an hour, which
| keeps the cookie's age sliding for anyone active. A new, changed,
| regenerated, emptied or flashing session is committed as stock does.
*/
@inject()
export default class SessionMiddleware {
  constructor(protected stock: StockSessionMiddleware<any>) {}

  handle(ctx: HttpContext, next: NextFn) {
    return this.stock.handle(ctx, async () => {
      const output = await next()
      const session = ctx.session as Session | undefined
      if (session?.initiated && !session.readonly) {
        if (writtenRecently(session)) {
          // Stock would only refresh the cookies' expiry, done within the hour.
          session.commit = skippedCommit
        } else if (!session.isEmpty) {
          session.put(WRITTEN_AT, Date.now())
        }
      }
      return output
    })
  }
}

function writtenRecently(session: Session) {
  if (
    session.fresh ||
    session.isEmpty ||
    session.hasRegeneratedSession ||
    session.hasBeenModified ||
    !session.responseFlashMessages.isEmpty
  ) {
    return false
  }
  const writtenAt = session.get(WRITTEN_AT)
  const age = typeof writtenAt === 'number' ? Date.now() - writtenAt : -1
  return age >= 0 && age < REWRITE_AFTER_MS
}

async function skippedCommit() {}
