import { BaseSchema } from '@adonisjs/lucid/schema'

/* Metadata of uploads; the bytes live in object storage at storage_path. */
export default class extends BaseSchema {
  protected tableName = 'files'

  async up() {
    this.schema.createTable(this.tableName, (table) => {
      table.uuid('id').primary().notNullable()
      table.uuid('user_id').notNullable().references('id').inTable('users').onDelete('CASCADE')
      // A file outlives the message that carried it (it may still be indexed for RAG).
      table.uuid('message_id').nullable().references('id').inTable('messages').onDelete('SET NULL')
      table.string('file_name', 255).notNullable()
      table.string('file_type', 255).notNullable()
      table.integer('file_size').unsigned().notNullable()
      table.string('storage_path', 1024).notNullable()
      table.string('status', 32).notNullable()
      table.text('processing_details').nullable()
      table.timestamp('created_at').notNullable()
      table.timestamp('updated_at').notNullable()

      table.index(['user_id'])
      table.index(['message_id'])
    })
  }

  async down() {
    this.schema.dropTable(this.tableName)
  }
}
