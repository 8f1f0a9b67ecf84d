import vine from '@vinejs/vine'
import { LIMITS } from '#shared/livestore/schema'

/* Route params: client-generated UUIDs. */
export const messageParamsValidator = vine.compile(
  vine.object({
    chatId: vine.string().uuid(),
    messageId: vine.string().uuid(),
  })
)

/* What a reply asks for, over POST or on the /live socket. */
const replyFields = () => ({
  chatId: vine.string().uuid(),
  messageId: vine.string().uuid(),
  /* The answer's id, chosen by the client: the idempotency key of the reply. */
  assistantMessageId: vine.string().uuid(),
  /* Overrides the chat's model for this answer (the catalog id). */
  model: vine.string().trim().minLength(1).maxLength(LIMITS.modelIdLength).optional(),
  /* A new sibling answer under a user message that already has one (informational). */
  regenerate: vine.boolean().optional(),
})

/* POST /api/chats/:chatId/messages/:messageId/reply */
export const replyValidator = vine.compile(
  vine.object({
    ...replyFields(),
    /*
    | The id the tab's /live socket got in its hello frame: that socket is
    | attached to the answer at once (same user and session only), so the
    | first token needs no subscribe. Anything else falls back to subscribing.
    */
    liveSocketId: vine.string().uuid().optional(),
  })
)

/*
| A reply asked for on the tab's /live socket (live_socket_server.ts): the
| same fields, the socket itself being the one attached.
*/
export const liveReplyFrameValidator = vine.compile(
  vine.object({ type: vine.literal('reply'), ...replyFields() })
)

/* Frames a browser sends on /live. */
export const liveFrameValidator = vine.compile(
  vine.object({
    type: vine.enum(['subscribe', 'unsubscribe'] as const),
    messageId: vine.string().uuid(),
    /* The last token seq the client has applied (0: none). */
    fromSeq: vine.number().withoutDecimals().min(0).max(Number.MAX_SAFE_INTEGER).optional(),
  })
)
