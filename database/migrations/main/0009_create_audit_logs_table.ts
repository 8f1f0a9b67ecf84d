import { BaseSchema } from '@adonisjs/lucid/schema'

/*
| Who changed which row, and how (see app/audit/auditable.ts). model_id is
| not a foreign key: the trail must outlive the row it describes.
*/
export default class extends BaseSchema {
  protected tableName = 'audit_logs'

  async up() {
    this.schema.createTable(this.tableName, (table) => {
      table.uuid('id').primary().notNullable()
      table.uuid('user_id').nullable().references('id').inTable('users').onDelete('SET NULL')
      table.string('action', 32).notNullable()
      table.string('model_name', 100).notNullable()
      table.uuid('model_id').nullable()
      table.text('old_data').nullable()
      table.text('new_data').nullable()
      table.timestamp('created_at').notNullable()

      table.index(['user_id'])
      table.index(['model_name', 'model_id'])
    })
  }

  async down() {
    this.schema.dropTable(this.tableName)
  }
}
