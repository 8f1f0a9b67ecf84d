import { BaseSchema } from '@adonisjs/lucid/schema'

/*
| A BYOK key belongs to a provider (one OpenRouter key serves every OpenRouter
| model), while the seed's user_models ties a row to one model. We keep the
| table and give it two kinds of row:
|
| - key rows: provider set ('openrouter', 'openai', 'anthropic', 'google'),
|   model_id NULL, api_key = ciphertext, key_version = which APP_KEY sealed it,
|   key_hint = the key's last 4 characters for the masked display. At most one
|   per (user_id, provider), enforced by the unique index below.
| - per-model rows (future: a user's settings for one model): model_id set,
|   provider NULL. SQLite treats NULLs as distinct, so the unique index never
|   constrains them.
|
| model_id therefore becomes nullable (SQLite rebuilds the table for that;
| knex copies the rows).
*/
export default class extends BaseSchema {
  protected tableName = 'user_models'

  async up() {
    this.schema.alterTable(this.tableName, (table) => {
      table.string('provider', 32).nullable()
      table.string('key_hint', 8).nullable()
    })
    this.schema.alterTable(this.tableName, (table) => {
      table.uuid('model_id').nullable().alter()
    })
    this.schema.alterTable(this.tableName, (table) => {
      table.unique(['user_id', 'provider'], { indexName: 'user_models_user_id_provider_unique' })
    })
  }

  async down() {
    this.schema.alterTable(this.tableName, (table) => {
      table.dropUnique(['user_id', 'provider'], 'user_models_user_id_provider_unique')
    })
    this.defer(async (db) => {
      await db.from(this.tableName).whereNull('model_id').delete()
    })
    this.schema.alterTable(this.tableName, (table) => {
      table.uuid('model_id').notNullable().alter()
    })
    this.schema.alterTable(this.tableName, (table) => {
      table.dropColumn('key_hint')
      table.dropColumn('provider')
    })
  }
}
