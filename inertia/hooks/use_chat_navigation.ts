import { router } from '@inertiajs/react'
import { useEffect } from 'react'

export const chatUrl = (chatId: string | null) => (chatId ? `/chat/${chatId}` : '/chat')

/*
| Moving between chats never asks the server: the chats are on this device, so the visit is a
| client-side one (Inertia keeps the page in history, Back and Forward work) and it works offline.
*/
export function openChat(chatId: string | null, options: { replace?: boolean } = {}) {
  const visit = {
    url: chatUrl(chatId),
    component: 'chat/index',
    props: (props: Record<string, unknown>) => ({ ...props, chatId: chatId ?? undefined }),
    preserveScroll: false,
    preserveState: true,
  }
  if (options.replace) router.replace(visit)
  else router.push(visit)
}

/* A new chat is focused on its composer; this event tells the composer to take focus. */
export const FOCUS_COMPOSER_EVENT = 'chat:focus-composer'

export function startNewChat() {
  openChat(null)
  requestAnimationFrame(() => window.dispatchEvent(new Event(FOCUS_COMPOSER_EVENT)))
}

export const isMac = typeof navigator !== 'undefined' && /Mac|iPhone|iPad/.test(navigator.platform)

/** The shortcut's label for tooltips: ⌘⇧O on a Mac, Ctrl+Shift+O elsewhere. */
export const NEW_CHAT_SHORTCUT_LABEL = isMac ? '⌘⇧O' : 'Ctrl+Shift+O'

/** Ctrl/Cmd+Shift+O anywhere in the app starts a new chat. */
export function useNewChatShortcut() {
  useEffect(() => {
    const onKeyDown = (event: KeyboardEvent) => {
      const modifier = isMac ? event.metaKey : event.ctrlKey
      if (modifier && event.shiftKey && !event.altKey && event.key.toLowerCase() === 'o') {
        event.preventDefault()
        startNewChat()
      }
    }
    window.addEventListener('keydown', onKeyDown)
    return () => window.removeEventListener('keydown', onKeyDown)
  }, [])
}
