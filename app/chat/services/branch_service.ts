import { randomUUID } from 'node:crypto'
import { inject } from '@adonisjs/core'
import db from '@adonisjs/lucid/services/db'
import { ConversationPath } from '#chat/services/conversation_path'
import { ChatRequestException, chatNotFound, messageNotSynced } from '#chat/chat_errors'
import { LIMITS, type FinalMessageStatus } from '#shared/livestore/schema'
import { SyncService, type ServerEventInput } from '#sync/services/sync_service'

const FINAL = new Set<FinalMessageStatus>(['complete', 'stopped', 'error', 'interrupted'])

interface AnswerDetails {
  id: string
  model: string | null
  finish_reason: string | null
  error: string | null
}

export interface BranchResult {
  chatId: string
  messages: number
  created: boolean
}

/*
| "Branch into a new chat": the path root -> one message copied into a new
| chat, as server events (assistant messages may only be written by the
| server). The copy gets fresh message ids; answers keep their text, model
| and final state but not usage or cost, so metering counts them once.
| Idempotent on the new chat's id.
*/
@inject()
export default class BranchService {
  constructor(
    protected sync: SyncService,
    protected paths: ConversationPath
  ) {}

  async branch(
    userId: string,
    request: { chatId: string; messageId: string; newChatId: string }
  ): Promise<BranchResult> {
    const existing = await db.from('chats').where('id', request.newChatId).select('user_id').first()
    if (existing) {
      if (String(existing.user_id) !== String(userId)) throw chatIdTaken()
      return { chatId: request.newChatId, messages: 0, created: false }
    }

    const chat = await db
      .from('chats')
      .where('id', request.chatId)
      .where('user_id', userId)
      .whereNull('deleted_at')
      .select('title', 'model', 'system_prompt', 'temperature')
      .first()
    if (!chat) throw chatNotFound()

    const path = await this.paths.load(request.chatId, request.messageId)
    if (path.length === 0) throw messageNotSynced()
    const answerIds = path
      .filter((message) => message.role === 'assistant')
      .map((message) => message.id)
    const answerRows: AnswerDetails[] = answerIds.length
      ? await db
          .from('messages')
          .whereIn('id', answerIds)
          .select('id', 'model', 'finish_reason', 'error')
      : []
    const details = new Map(answerRows.map((row) => [row.id, row]))

    const now = Date.now()
    const model = chat.model || 'dev/emulator'
    const title = `${chat.title || 'Chat'} (branch)`.slice(0, LIMITS.titleLength)
    const events: ServerEventInput[] = [
      { name: 'v1.ChatCreated', args: { id: request.newChatId, title, model, createdAt: now } },
    ]
    if (chat.system_prompt !== null || chat.temperature !== null) {
      events.push({
        name: 'v1.ChatSettingsSet',
        args: {
          id: request.newChatId,
          systemPrompt: chat.system_prompt,
          temperature: chat.temperature,
        },
      })
    }

    let parentId: string | null = null
    path.forEach((message, index) => {
      const id = randomUUID()
      const createdAt = now + index + 1
      if (message.role === 'user') {
        events.push({
          name: 'v1.UserMessageSent',
          args: {
            id,
            chatId: request.newChatId,
            parentId,
            text: message.content.slice(0, LIMITS.userMessageText),
            createdAt,
          },
        })
      } else if (message.role === 'assistant') {
        const row = details.get(message.id)
        const answerModel = row?.model || model
        /* An answer still running is copied as it stands, as stopped. */
        const status = FINAL.has(message.status as FinalMessageStatus)
          ? (message.status as FinalMessageStatus)
          : 'stopped'
        events.push(
          {
            name: 'v1.AssistantMessageStarted',
            args: { id, chatId: request.newChatId, parentId, model: answerModel, createdAt },
          },
          {
            name: 'v1.AssistantMessageFinished',
            args: {
              id,
              text: message.content.slice(0, LIMITS.assistantMessageText),
              status,
              finishReason: row?.finish_reason?.slice(0, LIMITS.finishReasonLength) ?? null,
              error: row?.error?.slice(0, LIMITS.errorLength) ?? null,
              usage: null,
              model: answerModel,
            },
          }
        )
      } else {
        return
      }
      parentId = id
    })

    await this.sync.appendServerEvents(userId, events)
    return { chatId: request.newChatId, messages: path.length, created: true }
  }
}

const chatIdTaken = () =>
  new ChatRequestException('This chat id is already used.', {
    status: 409,
    code: 'E_CHAT_ID_TAKEN',
  })
