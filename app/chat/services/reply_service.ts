import { inject } from '@adonisjs/core'
import db from '@adonisjs/lucid/services/db'
import { mainSqlite } from '#core/main_sqlite'
import ModelCatalogService from '#catalog/services/model_catalog_service'
import KeyResolver from '#keys/services/key_resolver'
import ProviderFactory, { ProviderUnavailableError } from '#llm/services/provider_factory'
import type { FinalMessageStatus, MessageStatus } from '#shared/livestore/schema'
import { GenerationRegistry } from '#chat/services/generation_registry'
import GenerationRunner from '#chat/services/generation_runner'
import { LiveSocketServer } from '#chat/services/live_socket_server'
import {
  assistantIdTaken,
  chatNotFound,
  messageNotFound,
  messageNotSynced,
  notAUserMessage,
  providerUnavailable,
  signedOut,
  unknownModel,
} from '#chat/chat_errors'

export interface ReplyUser {
  id: string
  isPayingUser: boolean
  /* The request's session: a named /live socket must have been opened with it. */
  sessionId?: string
}

export interface ReplyRequest {
  chatId: string
  /* The user message answered. */
  messageId: string
  assistantMessageId: string
  model?: string
  /* The tab's /live socket (its hello frame's id), attached to the answer at once. */
  liveSocketId?: string
}

export interface ReplyAccepted {
  assistantMessageId: string
  chatId: string
  parentId: string
  model: string
  status: MessageStatus
  /* False when this request found the answer already started (idempotent repeat). */
  created: boolean
  /*
  | True when the named /live socket now gets this answer's frames; false
  | (none named, or not attachable) means the tab subscribes itself.
  */
  liveAttached: boolean
}

interface ChatRow {
  id: string
  model: string | null
  system_prompt: string | null
  temperature: number | null
}

/*
| The reply path's reads, prepared once (see #core/main_sqlite): each is one
| primary-key lookup, and through the query builder each cost ~20x the read.
*/
const OWN_CHAT = `SELECT id, model, system_prompt, temperature FROM chats
  WHERE id = ? AND user_id = ? AND deleted_at IS NULL`
const ANSWER = `SELECT chat_id, parent_message_id, role, status, model FROM messages WHERE id = ?`
const USER = `SELECT is_paying_user FROM users WHERE id = ?`
const QUESTION = `SELECT id, role, parent_message_id FROM messages WHERE id = ? AND chat_id = ?`

/*
| The reply endpoint's logic: ownership, idempotency on the answer id, model
| and key resolution (refusals are thrown as JSON 4xx exceptions), then a
| generation started detached from the request.
*/
@inject()
export default class ReplyService {
  constructor(
    protected registry: GenerationRegistry,
    protected catalog: ModelCatalogService,
    protected keys: KeyResolver,
    protected providers: ProviderFactory,
    protected runner: GenerationRunner,
    protected live: LiveSocketServer
  ) {}

  /*
  | `attach`: a /live socket that asked for the answer itself (a reply frame,
  | see replyOnSocket), attached in place of the one `liveSocketId` names.
  */
  async reply(
    user: ReplyUser,
    request: ReplyRequest,
    attach?: (assistantMessageId: string) => boolean
  ): Promise<ReplyAccepted> {
    const chat = await this.#chat(user.id, request.chatId)

    const repeated = await this.#existingAnswer(user, request, attach)
    if (repeated) return repeated

    const question = await mainSqlite.get<{
      id: string
      role: string
      parent_message_id: string | null
    }>(QUESTION, [request.messageId, chat.id])
    if (!question) throw messageNotSynced()
    if (question.role !== 'user') throw notAUserMessage()

    const modelId = request.model ?? chat.model ?? ''
    const model = modelId ? await this.catalog.find(modelId) : null
    if (!model || !model.isAvailable) throw unknownModel(modelId)
    const key = await this.keys.resolve(user, model)
    let language
    try {
      language = await this.providers.languageModel(model, key)
    } catch (error) {
      if (error instanceof ProviderUnavailableError) throw providerUnavailable(error.message)
      throw error
    }

    const claimed = this.registry.claim(
      {
        messageId: request.assistantMessageId,
        userId: user.id,
        chatId: chat.id,
        parentId: question.id,
        modelId: model.id,
      },
      (generation) =>
        this.runner.run(generation, {
          model,
          key,
          language,
          systemPrompt: chat.system_prompt,
          temperature: chat.temperature,
          firstExchange: question.parent_message_id === null,
        })
    )
    // Another request for the same answer got there during our awaits.
    const info = claimed.generation ?? claimed.finished.info
    if (info.userId !== user.id || info.chatId !== chat.id || info.parentId !== question.id) {
      throw assistantIdTaken()
    }
    return {
      assistantMessageId: info.messageId,
      chatId: info.chatId,
      parentId: info.parentId,
      model: info.modelId,
      status: claimed.finished ? claimed.finished.status : 'streaming',
      created: claimed.created,
      // In the same synchronous step as the claim: before any provider byte can arrive.
      liveAttached: claimed.finished ? false : this.#attachLive(user, request, attach),
    }
  }

  /*
  | A reply frame on a /live socket (live_socket_server.ts): the socket was
  | authenticated at its upgrade (session cookie, same-site Origin) and is
  | closed when that session signs out, so it speaks for the user as a
  | request with the cookie would. The user row is read now, as the session
  | guard reads it for a request: a plan changed since the upgrade counts,
  | a deleted user is refused. The socket itself is attached to the answer.
  */
  async replyOnSocket(
    owner: { userId: string; sessionId: string },
    request: ReplyRequest,
    attach: (assistantMessageId: string) => boolean
  ): Promise<ReplyAccepted> {
    const row = await mainSqlite.get<{ is_paying_user: number | boolean }>(USER, [owner.userId])
    if (!row) throw signedOut()
    const user = { id: owner.userId, isPayingUser: Boolean(row.is_paying_user) }
    return this.reply({ ...user, sessionId: owner.sessionId }, request, attach)
  }

  /* The named /live socket, attached to the (running) answer when it is this user's and session's. */
  #attachLive(
    user: ReplyUser,
    request: ReplyRequest,
    attach?: (assistantMessageId: string) => boolean
  ): boolean {
    if (attach) return attach(request.assistantMessageId)
    if (!request.liveSocketId || !user.sessionId) return false
    return this.live.attachToAnswer(
      request.liveSocketId,
      { userId: user.id, sessionId: user.sessionId },
      request.assistantMessageId
    )
  }

  /* Stops the answer if it runs; idempotent (a finished answer reports its status). */
  async stop(
    user: ReplyUser,
    chatId: string,
    assistantMessageId: string
  ): Promise<{ assistantMessageId: string; status: MessageStatus; stopped: boolean }> {
    const chat = await this.#chat(user.id, chatId)
    const running = this.registry.get(assistantMessageId)
    if (running && running.userId === user.id && running.chatId === chat.id) {
      const stopped = this.registry.stop(assistantMessageId, user.id) !== null
      const status: FinalMessageStatus = await running.finished
      return { assistantMessageId, status, stopped }
    }
    const row = await db
      .from('messages')
      .where('id', assistantMessageId)
      .where('chat_id', chat.id)
      .where('role', 'assistant')
      .select('status')
      .first()
    if (!row) throw messageNotFound()
    return { assistantMessageId, status: row.status, stopped: false }
  }

  async #chat(userId: string, chatId: string): Promise<ChatRow> {
    const chat = await mainSqlite.get<ChatRow>(OWN_CHAT, [chatId, userId])
    if (!chat) throw chatNotFound()
    return chat
  }

  /*
  | The same answer id again: running or already stored. The same request
  | gets the same 202; the id reused for anything else is a conflict.
  */
  async #existingAnswer(
    user: ReplyUser,
    request: ReplyRequest,
    attach?: (assistantMessageId: string) => boolean
  ): Promise<ReplyAccepted | null> {
    const userId = user.id
    const running = this.registry.get(request.assistantMessageId)
    if (running) {
      if (
        running.userId !== userId ||
        running.chatId !== request.chatId ||
        running.parentId !== request.messageId
      ) {
        throw assistantIdTaken()
      }
      return {
        assistantMessageId: running.messageId,
        chatId: running.chatId,
        parentId: running.parentId,
        model: running.modelId,
        status: 'streaming',
        created: false,
        liveAttached: this.#attachLive(user, request, attach),
      }
    }
    const row = await mainSqlite.get<{
      chat_id: string
      parent_message_id: string | null
      role: string
      status: MessageStatus
      model: string | null
    }>(ANSWER, [request.assistantMessageId])
    if (!row) return null
    if (
      row.chat_id !== request.chatId ||
      row.parent_message_id !== request.messageId ||
      row.role !== 'assistant'
    ) {
      throw assistantIdTaken()
    }
    return {
      assistantMessageId: request.assistantMessageId,
      chatId: row.chat_id,
      parentId: row.parent_message_id,
      model: row.model ?? '',
      status: row.status,
      created: false,
      liveAttached: false,
    }
  }
}
