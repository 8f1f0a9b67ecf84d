import { inject } from '@adonisjs/core'
import db from '@adonisjs/lucid/services/db'
import { generateText, type LanguageModel } from 'ai'
import { SyncService } from '#sync/services/sync_service'
import { LIMITS } from '#shared/livestore/schema'
import GenerationSettings from '#chat/services/generation_settings'
import type { GenerationInfo } from '#chat/services/generation_registry'

const TITLE_FROM_MESSAGE_LENGTH = 80
const TITLE_LENGTH = 60
const FALLBACK_WORDS = 6

/* The title the chat UI gives a new chat (inertia/livestore/chat_actions.ts titleFromMessage). */
export function titleFromMessage(text: string) {
  const line = text.replace(/\s+/g, ' ').trim()
  if (line.length <= TITLE_FROM_MESSAGE_LENGTH) return line
  return `${line.slice(0, TITLE_FROM_MESSAGE_LENGTH - 1).trimEnd()}…`
}

/* Directives and markup out, one line, no wrapping quotes, at most 60 characters. */
export function cleanTitle(raw: string) {
  let title = raw
    .replace(/\[\[\w+:[\w.-]+\]\]/g, ' ')
    .replace(/[#*_`>]/g, '')
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/^(title\s*:\s*)/i, '')
    .replace(/^["'“”‘’]+|["'“”‘’.]+$/g, '')
    .trim()
  if (title.length > TITLE_LENGTH) title = `${title.slice(0, TITLE_LENGTH - 1).trimEnd()}…`
  return title.slice(0, LIMITS.titleLength)
}

export function firstWords(text: string) {
  const words = cleanTitle(text).split(' ').filter(Boolean)
  const title = words.slice(0, FALLBACK_WORDS).join(' ')
  return words.length > FALLBACK_WORDS ? `${title}…` : title
}

/*
| After the first exchange of a chat, a short title: a small non-streamed
| call to the same model, or the first words of the user's message when it
| fails. Emitted as the ordinary v1.ChatRenamed through the sync server, and
| only while the chat still has the title it was created with (the UI names
| a new chat after its first message): a chat the user renamed keeps its name.
| The last check runs in the store's write turn, so a rename that reaches the
| server first is always seen; a rename that reaches it later lands after the
| automatic title in the log (a device rebases its pending rename on top), so
| the user's name wins either way.
*/
@inject()
export default class ChatTitleService {
  constructor(
    protected sync: SyncService,
    protected settings: GenerationSettings
  ) {}

  async titleAfterFirstExchange(generation: GenerationInfo, language: LanguageModel) {
    const question = await this.#firstMessage(generation)
    if (!question || !(await this.#stillDefault(generation, question))) return

    let title = ''
    try {
      const { text } = await generateText({
        model: language,
        maxRetries: 0,
        maxOutputTokens: 24,
        abortSignal: AbortSignal.timeout(this.settings.titleTimeoutMs),
        prompt:
          'Write a title of at most six words for a conversation that starts with the message ' +
          `below. Answer with the title only.\n\n${question.slice(0, 2_000)}`,
      })
      title = cleanTitle(text)
    } catch {
      // The model failed or was too slow: the message's own first words.
    }
    if (!title) title = firstWords(question)
    if (!title) return

    // The user may have renamed it while the model was thinking, or be renaming it right now.
    await this.sync.appendServerEvents(
      generation.userId,
      [{ name: 'v1.ChatRenamed', args: { id: generation.chatId, title } }],
      { onlyIf: () => this.#stillDefault(generation, question) }
    )
  }

  async #firstMessage(generation: GenerationInfo): Promise<string | null> {
    const row = await db
      .from('messages')
      .where('id', generation.parentId)
      .where('chat_id', generation.chatId)
      .whereNull('parent_message_id')
      .select('content')
      .first()
    return row ? String(row.content) : null
  }

  async #stillDefault(generation: GenerationInfo, question: string) {
    const chat = await db
      .from('chats')
      .where('id', generation.chatId)
      .where('user_id', generation.userId)
      .select('title')
      .first()
    if (!chat) return false
    const title = chat.title ?? ''
    return title === '' || title === titleFromMessage(question)
  }
}
