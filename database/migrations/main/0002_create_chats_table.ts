import { BaseSchema } from '@adonisjs/lucid/schema'

/*
| Server copy of the chats the browser keeps in LiveStore
| (shared/livestore/schema.ts). Besides the seed's columns, the fields that
| schema syncs: model (the provider's identifier string, not a foreign key:
| a chat keeps its history if the model leaves the catalogue), system prompt,
| temperature, pinned, the branch shown (active_leaf_id) and a soft delete.
| ids are text: LiveStore clients mint them (UUIDs in practice).
*/
export default class extends BaseSchema {
  protected tableName = 'chats'

  async up() {
    this.schema.createTable(this.tableName, (table) => {
      table.uuid('id').primary().notNullable()
      table.uuid('user_id').notNullable().references('id').inTable('users').onDelete('CASCADE')
      table.string('title', 500).nullable()
      table.string('model', 200).nullable()
      table.text('system_prompt').nullable()
      table.double('temperature').nullable()
      table.boolean('pinned').notNullable().defaultTo(false)
      // Not a foreign key: the leaf may arrive (sync) after the chat row is written.
      table.string('active_leaf_id', 128).nullable()
      table.timestamp('deleted_at').nullable()
      table.timestamp('created_at').notNullable()
      table.timestamp('updated_at').notNullable()

      // The sidebar lists one user's chats by last activity.
      table.index(['user_id', 'updated_at'])
    })
  }

  async down() {
    this.schema.dropTable(this.tableName)
  }
}
