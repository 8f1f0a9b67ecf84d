import { setImmediate as nextTurn } from 'node:timers/promises'
import { inject } from '@adonisjs/core'
import type { HttpContext } from '@adonisjs/core/http'
import ReplyService from '#chat/services/reply_service'
import { messageParamsValidator, replyValidator } from '#chat/validators/chat_validators'

/*
| Answers to the user's messages. JSON only. The generation itself runs
| detached; tokens arrive on /live, durable state through LiveStore sync.
*/
@inject()
export default class RepliesController {
  constructor(protected replies: ReplyService) {}

  /*
  | POST /api/chats/:chatId/messages/:messageId/reply
  |   { assistantMessageId, model?, regenerate?, liveSocketId? }
  */
  async store({ auth, params, request, response, session }: HttpContext) {
    const payload = await replyValidator.validate({
      ...request.only(['assistantMessageId', 'model', 'regenerate', 'liveSocketId']),
      chatId: params.chatId,
      messageId: params.messageId,
    })
    const user = auth.getUserOrFail()
    const accepted = await this.replies.reply(
      { id: user.id, isPayingUser: user.isPayingUser, sessionId: session.sessionId },
      payload
    )
    /*
    | The model call just started: let it reach the wire before this answer.
    | Its request is written a few process ticks from here, and those ticks
    | would otherwise wait for the whole 202 (middleware unwinding, the
    | response write), ~1.3 ms the provider could already spend on the first
    | token. The tab does not wait for the 202 (its socket gets the tokens).
    */
    if (accepted.created) await nextTurn()
    return response.accepted({ data: accepted })
  }

  /* POST /api/chats/:chatId/messages/:messageId/stop (messageId: the answer) */
  async stop({ auth, params, response }: HttpContext) {
    const payload = await messageParamsValidator.validate(params)
    const user = auth.getUserOrFail()
    const result = await this.replies.stop(
      { id: user.id, isPayingUser: user.isPayingUser },
      payload.chatId,
      payload.messageId
    )
    return response.ok({ data: result })
  }
}
