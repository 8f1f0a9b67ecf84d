import { BaseSchema } from '@adonisjs/lucid/schema'

export default class extends BaseSchema {
  protected tableName = 'users'

  async up() {
    this.schema.createTable(this.tableName, (table) => {
      table.uuid('id').primary().notNullable()
      table.string('logto_id', 191).notNullable().unique()
      table.string('email', 254).notNullable().unique()
      table.string('username', 191).nullable()
      table.boolean('is_beta_user').notNullable().defaultTo(false)
      table.boolean('is_paying_user').notNullable().defaultTo(false)
      table.timestamp('created_at').notNullable()
      table.timestamp('updated_at').notNullable()
    })
  }

  async down() {
    this.schema.dropTable(this.tableName)
  }
}
