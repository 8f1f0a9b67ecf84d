import { BaseSchema } from '@adonisjs/lucid/schema'

/*
| At boot the server finds answers a previous process left streaming
| (app/chat/services/interrupted_answers_service.ts). A partial index keeps
| that lookup to the few streaming rows instead of a scan of every message.
*/
export default class extends BaseSchema {
  async up() {
    this.schema.raw(
      `CREATE INDEX IF NOT EXISTS messages_streaming ON messages (status) WHERE status = 'streaming'`
    )
  }

  async down() {
    this.schema.raw('DROP INDEX IF EXISTS messages_streaming')
  }
}
