import { BaseSchema } from '@adonisjs/lucid/schema'

export default class extends BaseSchema {
  protected tableName = 'payments'

  async up() {
    this.schema.createTable(this.tableName, (table) => {
      table.uuid('id').primary().notNullable()
      table.uuid('user_id').notNullable().references('id').inTable('users').onDelete('CASCADE')
      table.string('gateway', 32).notNullable()
      table.string('transaction_id', 191).notNullable().unique()
      // NUMERIC as the seed says (knex's decimal() would declare a float column).
      table.specificType('amount', 'numeric(14, 2)').notNullable()
      table.string('currency', 3).notNullable()
      table.string('status', 32).notNullable()
      table.text('details').nullable()
      table.timestamp('created_at').notNullable()
      table.timestamp('updated_at').notNullable()

      table.index(['user_id'])
    })
  }

  async down() {
    this.schema.dropTable(this.tableName)
  }
}
