/*
| What the messages of a thread can do: send (then ask for a reply), switch
| branch (< 2/3 >), edit and resend, regenerate or retry an answer, stop a
| running one, branch into a new chat. Provided through context by the chat
| view so each message reaches them without prop drilling; absent (null) for
| a chat that has not started yet.
*/
import { createContext, useCallback, useContext, useMemo } from 'react'
import type { PathEntry } from '#shared/chat/active_path'
import { newestLeafOf, siblingAt } from '#shared/chat/branches'
import { events } from '#shared/livestore/schema'
import { toast } from '~/components/chat/toast'
import {
  ChatRequestError,
  requestBranch,
  requestReply,
  requestStop,
} from '~/components/chat/message_requests'
import { openChat } from '~/hooks/use_chat_navigation'
import { watchReply } from '~/hooks/use_live_tokens'
import type { ChatStore } from '~/livestore/store'
import { newId, sendMessage } from '~/livestore/chat_actions'
import type { ThreadMessageRow } from '~/livestore/queries'

export interface BranchActions {
  /** The path entry (siblings, position) of a message shown in the thread. */
  entryOf(messageId: string): PathEntry<ThreadMessageRow> | undefined
  switchSibling(messageId: string, delta: -1 | 1): void
  editAndResend(userMessageId: string, text: string): void
  regenerate(assistantMessageId: string): void
  stop(assistantMessageId: string): void
  branchIntoNewChat(messageId: string): void
}

export const BranchActionsContext = createContext<BranchActions | null>(null)

export function useBranchActionsContext() {
  return useContext(BranchActionsContext)
}

function showRefusal(error: unknown, fallback: string) {
  toast.error(error instanceof ChatRequestError ? error.message : fallback)
}

/**
 * Asks for an answer to a user message; refusals (quota, keys, model) show as a toast. `model`
 * is the one this device shows for the chat: sent along, because a model just picked may not
 * have reached the server yet (it would answer with the previous one). The reply is sent on this
 * tab's /live socket when it is open (else POSTed naming it), and the server attaches that socket
 * to the answer before its first token (see watchReply in use_live_tokens.ts).
 */
export function replyTo(
  chatId: string,
  userMessageId: string,
  options: { regenerate?: boolean; model?: string } = {}
) {
  const { regenerate, model } = options
  const assistantMessageId = newId()
  const watch = watchReply(assistantMessageId)
  requestReply(
    chatId,
    userMessageId,
    assistantMessageId,
    {
      ...(regenerate ? { regenerate } : {}),
      ...(model ? { model } : {}),
      ...(watch.socketId ? { liveSocketId: watch.socketId } : {}),
    },
    watch.send
  )
    .then((accepted) => watch.accepted(accepted.liveAttached))
    .catch((error) => {
      watch.failed()
      showRefusal(error, 'The answer could not be started.')
    })
}

export function useBranchActions(
  store: ChatStore,
  chatId: string,
  messages: readonly ThreadMessageRow[],
  path: readonly PathEntry<ThreadMessageRow>[],
  /* The chat's model on this device (see replyTo). */
  model?: string
): BranchActions {
  const byId = useMemo(() => new Map(path.map((entry) => [entry.message.id, entry])), [path])
  const entryOf = useCallback((messageId: string) => byId.get(messageId), [byId])

  const switchSibling = useCallback(
    (messageId: string, delta: -1 | 1) => {
      const entry = byId.get(messageId)
      if (!entry) return
      const target = siblingAt(entry.siblingIds, entry.siblingIndex, delta)
      if (!target) return
      const leaf = newestLeafOf(messages, target)
      store.commit(events.chatActiveLeafSet({ id: chatId, activeLeafId: leaf }))
    },
    [byId, messages, store, chatId]
  )

  const editAndResend = useCallback(
    (userMessageId: string, text: string) => {
      const entry = byId.get(userMessageId)
      const clean = text.trim()
      if (!entry || !clean) return
      try {
        const { messageId } = sendMessage(store, chatId, entry.message.parentId, clean)
        replyTo(chatId, messageId, { model })
      } catch (error) {
        toast.error(error instanceof Error ? error.message : 'Your message could not be saved.')
      }
    },
    [byId, store, chatId, model]
  )

  const regenerate = useCallback(
    (assistantMessageId: string) => {
      const parentId = byId.get(assistantMessageId)?.message.parentId
      if (parentId) replyTo(chatId, parentId, { regenerate: true, model })
    },
    [byId, chatId, model]
  )

  const stop = useCallback(
    (assistantMessageId: string) => {
      requestStop(chatId, assistantMessageId).catch((error) =>
        showRefusal(error, 'The answer could not be stopped.')
      )
    },
    [chatId]
  )

  const branchIntoNewChat = useCallback(
    (messageId: string) => {
      const newChatId = newId()
      requestBranch(chatId, messageId, newChatId)
        .then(() => openChat(newChatId))
        .catch((error) => showRefusal(error, 'The branch could not be copied.'))
    },
    [chatId]
  )

  return useMemo(
    () => ({ entryOf, switchSibling, editAndResend, regenerate, stop, branchIntoNewChat }),
    [entryOf, switchSibling, editAndResend, regenerate, stop, branchIntoNewChat]
  )
}
