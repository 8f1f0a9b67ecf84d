import { inject } from '@adonisjs/core'
import db from '@adonisjs/lucid/services/db'
import logger from '@adonisjs/core/services/logger'
import { SyncService } from '#sync/services/sync_service'
import { GenerationRegistry } from '#chat/services/generation_registry'

/*
| At process start, answers the table still shows as streaming were cut by
| the previous process's end: each gets a Finished event with status
| interrupted and its last checkpointed text, so every device shows the
| answer as interrupted (with a retry) instead of streaming forever.
| Generations running in this process are left alone.
*/
@inject()
export default class InterruptedAnswersService {
  constructor(
    protected sync: SyncService,
    protected registry: GenerationRegistry
  ) {}

  async finishAll(): Promise<number> {
    const rows: { id: string; content: string | null; model: string | null; user_id: string }[] =
      await db
        .from('messages')
        .join('chats', 'chats.id', 'messages.chat_id')
        .where('messages.status', 'streaming')
        .where('messages.role', 'assistant')
        .select('messages.id', 'messages.content', 'messages.model', 'chats.user_id')
    let finished = 0
    for (const row of rows) {
      if (this.registry.get(row.id)) continue
      try {
        await this.sync.appendServerEvents(String(row.user_id), [
          {
            name: 'v1.AssistantMessageFinished',
            args: {
              id: row.id,
              text: row.content ?? '',
              status: 'interrupted',
              finishReason: 'interrupted',
              error: 'The server restarted before this answer was finished. Retry to answer again.',
              usage: null,
              costMicros: null,
              model: row.model || 'unknown',
            },
          },
        ])
        finished++
      } catch (error) {
        logger.error({ err: error, messageId: row.id }, 'could not mark an answer interrupted')
      }
    }
    return finished
  }
}
