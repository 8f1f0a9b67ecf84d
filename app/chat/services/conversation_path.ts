import { mainSqlite } from '#core/main_sqlite'

export interface PathMessage {
  id: string
  parentId: string | null
  role: 'user' | 'assistant' | 'system' | 'tool'
  content: string
  status: string
}

/* A guard against a corrupt parent cycle; LiveStore ids make a real cycle impossible. */
const MAX_DEPTH = 100_000

/*
| The branch from the chat's root down to one message, oldest first. A
| recursive CTE walks parent ids through the primary key, one indexed lookup
| per message on the path: the cost depends on the path's length only, never
| on other branches or on the chat's total size (the functional tests check
| the query plan searches by key and never scans messages).
*/
export const PATH_SQL = `
  WITH RECURSIVE path (id, parent_message_id, role, content, status, chat_id, depth) AS (
    SELECT id, parent_message_id, role, content, status, chat_id, 0
      FROM messages WHERE id = ? AND chat_id = ?
    UNION ALL
    SELECT m.id, m.parent_message_id, m.role, m.content, m.status, m.chat_id, path.depth + 1
      FROM messages m JOIN path ON m.id = path.parent_message_id
      WHERE path.depth < ${MAX_DEPTH} AND m.chat_id = path.chat_id
  )
  SELECT id, parent_message_id, role, content, status FROM path ORDER BY depth DESC`

interface PathRow {
  id: string
  parent_message_id: string | null
  role: PathMessage['role']
  content: string | null
  status: string
}

export class ConversationPath {
  /* A prepared statement on the main connection: the read starts each reply. */
  async load(chatId: string, leafId: string): Promise<PathMessage[]> {
    const rows = await mainSqlite.all<PathRow>(PATH_SQL, [leafId, chatId])
    return rows.map((row) => ({
      id: row.id,
      parentId: row.parent_message_id,
      role: row.role,
      content: row.content ?? '',
      status: row.status,
    }))
  }
}
