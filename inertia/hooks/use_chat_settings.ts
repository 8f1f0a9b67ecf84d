/*
| A chat's system prompt and temperature: where they are read from and
| written to (useChatSettings), and the settings dialog's editing state
| (useChatSettingsForm). The components only render what these return.
*/
import { useCallback, useMemo, useState, useSyncExternalStore, type KeyboardEvent } from 'react'
import {
  DEFAULT_CHAT_SETTINGS,
  draftOf,
  formatTemperature,
  parseChatSettings,
  sameSettings,
  settingsOf,
  type ChatSettings,
  type ChatSettingsDraft,
} from '#shared/chat/chat_settings'
import { useUserChatStore } from '~/hooks/use_chat_store'
import { setChatSettings } from '~/livestore/chat_actions'
import { chatById$ } from '~/livestore/queries'

/*
| Settings chosen on /chat before the chat exists: there is no chat row to
| hold them yet, so this tab keeps them until the first message, which
| commits them with the new chat (withNewChatSettings). Not persisted: a
| reload starts a new chat from the defaults, like its empty composer.
*/
let newChatSettings: ChatSettings = DEFAULT_CHAT_SETTINGS
const newChatListeners = new Set<() => void>()

function setNewChatSettings(settings: ChatSettings) {
  newChatSettings = settings
  for (const listener of newChatListeners) listener()
}

function subscribeNewChat(listener: () => void) {
  newChatListeners.add(listener)
  return () => newChatListeners.delete(listener)
}

/**
 * Starts the new chat with the settings chosen for it, then resets them for the next one. Only
 * once `start` succeeded: a refused first message (too long) keeps them for the retry.
 */
export function withNewChatSettings<T>(start: (settings: ChatSettings) => T): T {
  const result = start(newChatSettings)
  if (newChatSettings !== DEFAULT_CHAT_SETTINGS) setNewChatSettings(DEFAULT_CHAT_SETTINGS)
  return result
}

/* No chat id: a query that matches nothing, so both cases use the same hooks in the same order. */
const NO_CHAT = ''

/**
 * The settings of the open chat (`chatId`), or of the chat about to start on /chat (no id).
 * `available` is false while that chat is not on this device or is deleted: nothing to set.
 */
export function useChatSettings(chatId: string | undefined) {
  const store = useUserChatStore()
  const query = useMemo(() => chatById$(chatId ?? NO_CHAT), [chatId])
  const chat = store.useQuery(query)
  const pending = useSyncExternalStore(subscribeNewChat, () => newChatSettings)

  const saved = useMemo(
    () => (chatId ? (chat ? settingsOf(chat) : DEFAULT_CHAT_SETTINGS) : pending),
    [chatId, chat, pending]
  )
  const save = useCallback(
    (settings: ChatSettings) => {
      if (chatId) setChatSettings(store, chatId, settings)
      else setNewChatSettings(settings)
    },
    [store, chatId]
  )
  const available = chatId ? Boolean(chat && chat.deletedAt === null) : true
  return { saved, save, available }
}

/**
 * The dialog's state: a draft of the fields, taken from the saved settings each time it opens
 * (Cancel and Escape simply drop it), checked as it is typed. Saving writes only a change, so
 * opening and saving does not add an event to the chat's history.
 */
export function useChatSettingsForm(saved: ChatSettings, save: (settings: ChatSettings) => void) {
  const [open, setOpenState] = useState(false)
  const [draft, setDraft] = useState<ChatSettingsDraft>(() => draftOf(saved))
  const parsed = useMemo(() => parseChatSettings(draft), [draft])

  const setOpen = useCallback(
    (next: boolean) => {
      if (next) setDraft(draftOf(saved))
      setOpenState(next)
    },
    [saved]
  )
  const setSystemPrompt = useCallback(
    (systemPrompt: string) => setDraft((current) => ({ ...current, systemPrompt })),
    []
  )
  const setTemperature = useCallback(
    (temperature: string) => setDraft((current) => ({ ...current, temperature })),
    []
  )
  const slideTemperature = useCallback(
    (value: number) => setTemperature(formatTemperature(value)),
    [setTemperature]
  )
  const resetTemperature = useCallback(() => setTemperature(''), [setTemperature])

  const submit = useCallback(() => {
    if (!parsed.ok) return
    if (!sameSettings(parsed.settings, saved)) save(parsed.settings)
    setOpenState(false)
  }, [parsed, saved, save])

  /*
  | Cmd/Ctrl+Enter saves from any field. Plain Enter never does: it is a new
  | line in the prompt, and in the temperature field it would close the
  | dialog on a half-typed number.
  */
  const onKeyDown = useCallback(
    (event: KeyboardEvent) => {
      if (event.key !== 'Enter' || event.nativeEvent.isComposing) return
      if (event.metaKey || event.ctrlKey) {
        event.preventDefault()
        submit()
      }
    },
    [submit]
  )

  return {
    open,
    setOpen,
    draft,
    errors: parsed.ok ? {} : parsed.errors,
    canSave: parsed.ok,
    setSystemPrompt,
    setTemperature,
    slideTemperature,
    resetTemperature,
    submit,
    onKeyDown,
  }
}

export type ChatSettingsForm = ReturnType<typeof useChatSettingsForm>
