/* Runs one statement inside the caller's open transaction. */
export type SqlRunner = (sql: string, bindings: unknown[]) => unknown

export interface ProjectableEvent {
  name: string
  args: any
  /* ISO time the server accepted the event. */
  createdAt: string
}

/* Lucid's SQLite datetime format (what Chat/Message models read back), in UTC with milliseconds. */
export function sqlTimestamp(value: number | string | Date) {
  return new Date(value).toISOString().replace('T', ' ').replace('Z', '')
}

/*
| Projects accepted events into the server's `chats` and `messages` tables,
| inside the push's transaction. Mirrors the materializers of
| shared/livestore/schema.ts, with two differences that matter on a shared
| server:
|  - every statement is scoped to the store's user: chat and message ids come
|    from clients, so an id that collides with another user's row is ignored
|    instead of touching it;
|  - foreign keys hold: a message whose chat is missing is not projected, a
|    parent or active leaf that does not exist in that chat becomes null.
| Every statement is idempotent (insert-or-ignore, plain updates).
*/
export class SyncProjection {
  apply(run: SqlRunner, userId: string, events: ProjectableEvent[]) {
    for (const event of events) this.#applyOne(run, userId, event)
  }

  #applyOne(run: SqlRunner, userId: string, { name, args, createdAt }: ProjectableEvent) {
    const now = sqlTimestamp(createdAt)
    switch (name) {
      case 'v1.ChatCreated':
        return run(
          `INSERT INTO chats (id, user_id, title, model, pinned, created_at, updated_at)
           VALUES (?, ?, ?, ?, 0, ?, ?) ON CONFLICT (id) DO NOTHING`,
          [
            args.id,
            userId,
            args.title,
            args.model,
            sqlTimestamp(args.createdAt),
            sqlTimestamp(args.createdAt),
          ]
        )
      case 'v1.ChatRenamed':
        return this.#updateChat(run, userId, args.id, 'title = ?', [args.title])
      case 'v1.ChatPinned':
        return this.#updateChat(run, userId, args.id, 'pinned = 1', [])
      case 'v1.ChatUnpinned':
        return this.#updateChat(run, userId, args.id, 'pinned = 0', [])
      case 'v1.ChatDeleted':
        return this.#updateChat(run, userId, args.id, 'deleted_at = ?', [
          sqlTimestamp(args.deletedAt),
        ])
      case 'v1.ChatRestored':
        return this.#updateChat(run, userId, args.id, 'deleted_at = NULL', [])
      case 'v1.ChatModelSet':
        return this.#updateChat(run, userId, args.id, 'model = ?', [args.model])
      case 'v1.ChatSettingsSet':
        return this.#updateChat(run, userId, args.id, 'system_prompt = ?, temperature = ?', [
          args.systemPrompt,
          args.temperature,
        ])
      case 'v1.ChatActiveLeafSet':
        return this.#updateChat(
          run,
          userId,
          args.id,
          'active_leaf_id = (SELECT m.id FROM messages m WHERE m.id = ? AND m.chat_id = chats.id)',
          [args.activeLeafId]
        )
      case 'v1.UserMessageSent':
        this.#insertMessage(run, userId, {
          id: args.id,
          chatId: args.chatId,
          parentId: args.parentId,
          role: 'user',
          content: args.text,
          status: 'complete',
          model: null,
          createdAt: sqlTimestamp(args.createdAt),
        })
        return this.#touchChat(run, userId, args.chatId, args.id, sqlTimestamp(args.createdAt))
      case 'v1.AssistantMessageStarted':
        this.#insertMessage(run, userId, {
          id: args.id,
          chatId: args.chatId,
          parentId: args.parentId,
          role: 'assistant',
          content: '',
          status: 'streaming',
          model: args.model,
          createdAt: sqlTimestamp(args.createdAt),
        })
        return this.#touchChat(run, userId, args.chatId, args.id, sqlTimestamp(args.createdAt))
      case 'v1.AssistantTextCheckpoint':
        return run(
          `UPDATE messages SET content = ?, updated_at = ?
           WHERE id = ? AND status = 'streaming'
             AND chat_id IN (SELECT id FROM chats WHERE user_id = ?)`,
          [args.text, now, args.id, userId]
        )
      case 'v1.AssistantMessageFinished':
        return run(
          `UPDATE messages SET content = ?, status = ?, finish_reason = ?, error = ?, usage = ?,
             cost_micros = ?, model = ?, updated_at = ?
           WHERE id = ? AND chat_id IN (SELECT id FROM chats WHERE user_id = ?)`,
          [
            args.text,
            args.status,
            args.finishReason,
            args.error ?? null,
            args.usage === null ? null : JSON.stringify(args.usage),
            args.costMicros ?? null,
            args.model,
            now,
            args.id,
            userId,
          ]
        )
      default:
        // A synced event without a server table (none today): the log alone keeps it.
        return
    }
  }

  #updateChat(
    run: SqlRunner,
    userId: string,
    chatId: string,
    assignments: string,
    bindings: unknown[]
  ) {
    return run(`UPDATE chats SET ${assignments} WHERE id = ? AND user_id = ?`, [
      ...bindings,
      chatId,
      userId,
    ])
  }

  #insertMessage(
    run: SqlRunner,
    userId: string,
    message: {
      id: string
      chatId: string
      parentId: string | null
      role: 'user' | 'assistant'
      content: string
      status: string
      model: string | null
      createdAt: string
    }
  ) {
    // INSERT ... SELECT needs its WHERE for SQLite to parse the upsert clause.
    return run(
      `INSERT INTO messages (id, chat_id, parent_message_id, role, content, status, model, created_at, updated_at)
       SELECT ?, c.id, (SELECT p.id FROM messages p WHERE p.id = ? AND p.chat_id = c.id), ?, ?, ?, ?, ?, ?
       FROM chats c WHERE c.id = ? AND c.user_id = ?
       ON CONFLICT (id) DO NOTHING`,
      [
        message.id,
        message.parentId,
        message.role,
        message.content,
        message.status,
        message.model,
        message.createdAt,
        message.createdAt,
        message.chatId,
        userId,
      ]
    )
  }

  /* A new message becomes the chat's active leaf and its last activity, as in the materializer. */
  #touchChat(run: SqlRunner, userId: string, chatId: string, messageId: string, at: string) {
    return this.#updateChat(
      run,
      userId,
      chatId,
      'active_leaf_id = (SELECT m.id FROM messages m WHERE m.id = ? AND m.chat_id = chats.id), updated_at = ?',
      [messageId, at]
    )
  }
}
