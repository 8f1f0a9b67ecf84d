/**
 * What the chat UI writes. Every change is a LiveStore event committed on this device first (it
 * shows at once, offline too) and pushed to the server by the leader worker when it can.
 */
import type { Store } from '@livestore/livestore'
import { events, LIMITS, type schema } from '#shared/livestore/schema'
import { DEFAULT_CHAT_SETTINGS, sameSettings, type ChatSettings } from '#shared/chat/chat_settings'

type ChatStoreLike = Pick<Store<typeof schema>, 'commit'>

const TITLE_FROM_MESSAGE_LENGTH = 80

export function newId() {
  return crypto.randomUUID()
}

/** A first title from the opening message: one line, at most 80 characters. */
export function titleFromMessage(text: string) {
  const line = text.replace(/\s+/g, ' ').trim()
  if (line.length <= TITLE_FROM_MESSAGE_LENGTH) return line
  return `${line.slice(0, TITLE_FROM_MESSAGE_LENGTH - 1).trimEnd()}…`
}

export class MessageTooLongError extends Error {
  constructor() {
    super(`Messages are limited to ${LIMITS.userMessageText.toLocaleString()} characters.`)
  }
}

function checkText(text: string) {
  if (text.length > LIMITS.userMessageText) throw new MessageTooLongError()
}

/**
 * Starts a chat with its first message, in one commit. `model` is the one picked, else the
 * default the server gave the page (`defaultModelId`). `settings` were chosen before the chat
 * existed: they go in before the message, so the server has them when it answers it.
 */
export function startChat(
  store: ChatStoreLike,
  text: string,
  model: string,
  settings: ChatSettings = DEFAULT_CHAT_SETTINGS
) {
  checkText(text)
  const chatId = newId()
  const messageId = newId()
  const now = Date.now()
  store.commit(
    events.chatCreated({ id: chatId, title: titleFromMessage(text), model, createdAt: now }),
    ...(sameSettings(settings, DEFAULT_CHAT_SETTINGS)
      ? []
      : [events.chatSettingsSet({ id: chatId, ...settings })]),
    events.userMessageSent({ id: messageId, chatId, parentId: null, text, createdAt: now })
  )
  return { chatId, messageId }
}

/** A chat's system prompt and temperature (null: the default); its next answer uses them. */
export function setChatSettings(store: ChatStoreLike, chatId: string, settings: ChatSettings) {
  store.commit(events.chatSettingsSet({ id: chatId, ...settings }))
}

/** Adds the user's message below `parentId` (the current leaf); it becomes the active leaf. */
export function sendMessage(
  store: ChatStoreLike,
  chatId: string,
  parentId: string | null,
  text: string
) {
  checkText(text)
  const messageId = newId()
  store.commit(
    events.userMessageSent({ id: messageId, chatId, parentId, text, createdAt: Date.now() })
  )
  return { messageId }
}

export function renameChat(store: ChatStoreLike, chatId: string, title: string) {
  const clean = title.replace(/\s+/g, ' ').trim().slice(0, LIMITS.titleLength)
  if (!clean) return false
  store.commit(events.chatRenamed({ id: chatId, title: clean }))
  return true
}

export function setPinned(store: ChatStoreLike, chatId: string, pinned: boolean) {
  store.commit(pinned ? events.chatPinned({ id: chatId }) : events.chatUnpinned({ id: chatId }))
}

/** Soft delete: the chat disappears everywhere but can be restored (undo). */
export function deleteChat(store: ChatStoreLike, chatId: string) {
  store.commit(events.chatDeleted({ id: chatId, deletedAt: Date.now() }))
}

export function restoreChat(store: ChatStoreLike, chatId: string) {
  store.commit(events.chatRestored({ id: chatId }))
}
