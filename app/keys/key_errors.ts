import { Exception } from '@adonisjs/core/exceptions'
import type { HttpContext } from '@adonisjs/core/http'

/*
| Refusals around keys. Messages are written for the user and never contain
| the key or the provider's raw text (which can echo it).
*/

/* The provider said no to the key: 422, nothing stored. */
export class KeyRejectedException extends Exception {
  static status = 422
  static code = 'E_KEY_REJECTED'

  async handle(error: this, ctx: HttpContext) {
    ctx.response.status(error.status).send({
      errors: [{ field: 'apiKey', rule: 'provider_check', message: error.message }],
    })
  }
}

/* We could not ask the provider (down, rate limited, timed out): 502, nothing stored. */
export class KeyCheckUnavailableException extends Exception {
  static status = 502
  static code = 'E_KEY_CHECK_UNAVAILABLE'

  async handle(error: this, ctx: HttpContext) {
    ctx.response.status(error.status).send({ errors: [{ message: error.message }] })
  }
}

/* A saved key can no longer be decrypted (its APP_KEY is gone, or the row was tampered with). */
export class StoredKeyUnreadableException extends Exception {
  static status = 409
  static code = 'E_STORED_KEY_UNREADABLE'

  async handle(error: this, ctx: HttpContext) {
    ctx.response
      .status(error.status)
      .send({ errors: [{ code: error.code, message: error.message }] })
  }
}
