import { BaseSchema } from '@adonisjs/lucid/schema'

/* The catalogue of AI models the product offers. */
export default class extends BaseSchema {
  protected tableName = 'models'

  async up() {
    this.schema.createTable(this.tableName, (table) => {
      table.uuid('id').primary().notNullable()
      table.string('provider_name', 100).notNullable()
      table.string('model_id', 191).notNullable().unique()
      table.string('name', 191).notNullable()
      table.boolean('is_available').notNullable().defaultTo(true)
      table.boolean('is_byok_supported').notNullable().defaultTo(false)
      table.boolean('is_paid_model').notNullable().defaultTo(false)
      table.text('capabilities').nullable()
      table.timestamp('created_at').notNullable()
      table.timestamp('updated_at').notNullable()
    })
  }

  async down() {
    this.schema.dropTable(this.tableName)
  }
}
