import { Exception } from '@adonisjs/core/exceptions'
import type { HttpContext } from '@adonisjs/core/http'

/*
| Refusals of the reply and stop endpoints, as JSON the chat UI shows:
| { errors: [{ code, message, ...extra }] }.
*/
export class ChatRequestException extends Exception {
  constructor(
    message: string,
    options: { status: number; code: string },
    readonly extra: Record<string, unknown> = {}
  ) {
    super(message, options)
  }

  /* The refusal as the UI reads it (the response body's error, a /live reply_error frame). */
  refusal() {
    return { code: this.code!, message: this.message, ...this.extra }
  }

  async handle(error: this, ctx: HttpContext) {
    ctx.response.status(error.status).send({ errors: [error.refusal()] })
  }
}

export const chatNotFound = () =>
  new ChatRequestException('This chat does not exist.', { status: 404, code: 'E_CHAT_NOT_FOUND' })

export const messageNotFound = () =>
  new ChatRequestException('This message does not exist.', {
    status: 404,
    code: 'E_MESSAGE_NOT_FOUND',
  })

/* The user message is committed locally but has not reached the server through sync yet. */
export const messageNotSynced = () =>
  new ChatRequestException(
    'Your message has not reached the server yet. Retry in a moment.',
    { status: 409, code: 'E_MESSAGE_NOT_SYNCED' },
    { retryAfterMs: 500 }
  )

export const assistantIdTaken = () =>
  new ChatRequestException('This answer id is already used for another message.', {
    status: 409,
    code: 'E_ANSWER_ID_TAKEN',
  })

export const notAUserMessage = () =>
  new ChatRequestException('Only a message you wrote can be answered.', {
    status: 422,
    code: 'E_NOT_A_USER_MESSAGE',
  })

export const unknownModel = (modelId: string) =>
  new ChatRequestException(
    'This model is not available. Pick another model.',
    { status: 422, code: 'E_UNKNOWN_MODEL' },
    { model: modelId.slice(0, 200) }
  )

export const providerUnavailable = (message: string) =>
  new ChatRequestException(message, { status: 503, code: 'E_PROVIDER_UNAVAILABLE' })

/* A /live socket whose user no longer exists (its session cannot act any more). */
export const signedOut = () =>
  new ChatRequestException('You are signed out. Sign in again.', {
    status: 401,
    code: 'E_UNAUTHORIZED_ACCESS',
  })
