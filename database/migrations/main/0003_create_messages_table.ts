import { BaseSchema } from '@adonisjs/lucid/schema'

/*
| Messages of a chat; parent_message_id makes them a tree (edits and
| regenerations branch). The seed's table lists the JSON column as "jsonb";
| its diagram names it metadata, which is what it holds. Beside the seed's
| columns, what shared/livestore/schema.ts syncs for an answer: status (a
| plain string, no CHECK, so a new LiveStore status needs no table rebuild),
| the model that answered, finish reason, error, token usage and cost.
*/
export default class extends BaseSchema {
  protected tableName = 'messages'

  async up() {
    this.schema.createTable(this.tableName, (table) => {
      table.uuid('id').primary().notNullable()
      table.uuid('chat_id').notNullable().references('id').inTable('chats').onDelete('CASCADE')
      table
        .uuid('parent_message_id')
        .nullable()
        .references('id')
        .inTable('messages')
        .onDelete('SET NULL')
      table.enum('role', ['system', 'user', 'assistant', 'tool']).notNullable()
      table.text('content').notNullable()
      table.text('metadata').nullable()
      table.string('status', 32).notNullable().defaultTo('complete')
      table.string('model', 200).nullable()
      table.string('finish_reason', 100).nullable()
      table.text('error').nullable()
      table.text('usage').nullable()
      table.bigint('cost_micros').nullable()
      table.timestamp('created_at').notNullable()
      table.timestamp('updated_at').notNullable()

      // A chat's messages in order; also serves lookups by chat_id alone.
      table.index(['chat_id', 'created_at'])
      table.index(['parent_message_id'])
    })
  }

  async down() {
    this.schema.dropTable(this.tableName)
  }
}
