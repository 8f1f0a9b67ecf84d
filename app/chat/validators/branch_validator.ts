import vine from '@vinejs/vine'

/* POST /api/chats/:chatId/messages/:messageId/branch { newChatId } */
export const branchValidator = vine.compile(
  vine.object({
    chatId: vine.string().uuid(),
    messageId: vine.string().uuid(),
    /* The new chat's id, chosen by the client: the idempotency key of the copy. */
    newChatId: vine.string().uuid(),
  })
)
