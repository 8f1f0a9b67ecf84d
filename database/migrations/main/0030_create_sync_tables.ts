import { BaseSchema } from '@adonisjs/lucid/schema'

/*
| The sync server's event log: one LiveStore store per user. sync_events is
| the source of truth the browsers replay (chats/messages are projections of
| it). backend_id is created once per store and never changes: a new one
| makes every client wipe its local data. head is the last seq_num, kept in
| the row so a restart needs no scan.
*/
export default class extends BaseSchema {
  async up() {
    this.schema.createTable('sync_stores', (table) => {
      table.string('store_id', 191).primary().notNullable()
      table.uuid('user_id').notNullable().references('id').inTable('users').onDelete('CASCADE')
      table.string('backend_id', 64).notNullable()
      table.integer('head').notNullable().defaultTo(0)
      table.timestamp('created_at').notNullable()
      table.timestamp('updated_at').notNullable()
      table.index(['user_id'])
    })

    this.schema.createTable('sync_events', (table) => {
      table
        .string('store_id', 191)
        .notNullable()
        .references('store_id')
        .inTable('sync_stores')
        .onDelete('CASCADE')
      table.integer('seq_num').notNullable()
      table.integer('parent_seq_num').notNullable()
      table.string('name', 191).notNullable()
      // The event's encoded args as JSON text, sent to clients as stored.
      table.text('args').notNullable()
      table.string('client_id', 191).notNullable()
      table.string('session_id', 191).notNullable()
      // ISO 8601, what the wire's SyncMetadata.createdAt carries.
      table.string('created_at', 32).notNullable()
      table.primary(['store_id', 'seq_num'])
    })
  }

  async down() {
    this.schema.dropTable('sync_events')
    this.schema.dropTable('sync_stores')
  }
}
