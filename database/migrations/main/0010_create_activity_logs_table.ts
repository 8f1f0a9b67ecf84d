import { BaseSchema } from '@adonisjs/lucid/schema'

export default class extends BaseSchema {
  protected tableName = 'activity_logs'

  async up() {
    this.schema.createTable(this.tableName, (table) => {
      table.uuid('id').primary().notNullable()
      // Optional: system events have no user. Kept (as null) when the user goes away.
      table.uuid('user_id').nullable().references('id').inTable('users').onDelete('SET NULL')
      table.string('event_name', 191).notNullable()
      table.text('details').nullable()
      table.timestamp('created_at').notNullable()

      table.index(['user_id'])
      table.index(['event_name', 'created_at'])
    })
  }

  async down() {
    this.schema.dropTable(this.tableName)
  }
}
