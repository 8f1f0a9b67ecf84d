import { BaseSchema } from '@adonisjs/lucid/schema'

/*
| A user's own API key (BYOK) for a model. api_key holds ciphertext only;
| key_version says which encryption key/scheme sealed it, so keys can be
| rotated and old rows re-encrypted.
*/
export default class extends BaseSchema {
  protected tableName = 'user_models'

  async up() {
    this.schema.createTable(this.tableName, (table) => {
      table.uuid('id').primary().notNullable()
      table.uuid('user_id').notNullable().references('id').inTable('users').onDelete('CASCADE')
      // Retire a model with is_available = false; deleting it must not silently drop users' keys.
      table.uuid('model_id').notNullable().references('id').inTable('models').onDelete('RESTRICT')
      table.text('api_key').notNullable()
      table.integer('key_version').unsigned().notNullable().defaultTo(1)
      table.boolean('is_active').notNullable().defaultTo(true)
      table.text('settings').nullable()
      table.timestamp('created_at').notNullable()
      table.timestamp('updated_at').notNullable()

      table.index(['user_id', 'model_id'])
      table.index(['model_id'])
    })
  }

  async down() {
    this.schema.dropTable(this.tableName)
  }
}
