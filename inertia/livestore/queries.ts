/**
 * The live queries the chat UI reads. Each is a definition; `store.useQuery(...)` subscribes and
 * re-renders only when its result changes.
 */
import { queryDb } from '@livestore/livestore'
import { tables, type ChatRow, type MessageRow } from '#shared/livestore/schema'

/** The sidebar: chats not deleted, pinned first, then the most recently active. */
export const visibleChats$ = queryDb(
  tables.chats
    .select('id', 'title', 'pinned', 'updatedAt', 'createdAt')
    .where({ deletedAt: null })
    .orderBy([
      { col: 'pinned', direction: 'desc' },
      { col: 'updatedAt', direction: 'desc' },
      { col: 'id', direction: 'desc' },
    ]),
  { label: 'visibleChats' }
)

export type ChatListItem = Pick<ChatRow, 'id' | 'title' | 'pinned' | 'updatedAt' | 'createdAt'>

/** One chat (deleted ones included, so an open chat can say it was deleted). */
export const chatById$ = (chatId: string) =>
  queryDb(tables.chats.where({ id: chatId }).first(), {
    label: `chat:${chatId}`,
    deps: [chatId],
  })

export type ThreadMessageRow = Pick<
  MessageRow,
  | 'id'
  | 'parentId'
  | 'role'
  | 'text'
  | 'status'
  | 'model'
  | 'error'
  | 'contextStartId'
  | 'createdAt'
  | 'usage'
  | 'costMicros'
>

/** Every message of one chat; the thread picks the active path out of them. */
export const chatMessages$ = (chatId: string) =>
  queryDb(
    tables.messages
      .select(
        'id',
        'parentId',
        'role',
        'text',
        'status',
        'model',
        'error',
        'contextStartId',
        'createdAt',
        'usage',
        'costMicros'
      )
      .where({ chatId })
      .orderBy('createdAt', 'asc'),
    { label: `messages:${chatId}`, deps: [chatId] }
  )
