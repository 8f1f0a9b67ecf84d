import { usePage } from '@inertiajs/react'
import { useChatStore, type ChatStore } from '~/livestore/store'
import type { InertiaProps } from '~/types'

/** The signed-in user's chat store (suspends while it boots). */
export function useUserChatStore(): ChatStore {
  const { user } = usePage<InertiaProps>().props
  if (!user) throw new Error('The chat store needs a signed-in user')
  return useChatStore(user.id)
}
