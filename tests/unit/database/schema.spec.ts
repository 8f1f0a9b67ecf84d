import { test } from '@japa/runner'
import db from '@adonisjs/lucid/services/db'

/*
| The seed's data model (shared/design/seed-design-document.md), checked
| against what SQLite itself reports for tmp/.../main.sqlite. Columns added
| beyond the seed are allowed; every seed column, NOT NULL, unique key and
| foreign key must be there.
*/
type ColumnSpec = { notNull: boolean }
type ForeignKeySpec = { column: string; table: string; to: string; onDelete: string }
type TableSpec = {
  columns: Record<string, ColumnSpec>
  unique?: string[]
  foreignKeys?: ForeignKeySpec[]
}

const required = { notNull: true }
const optional = { notNull: false }
const timestamps = { created_at: required, updated_at: required }

const SEED: Record<string, TableSpec> = {
  users: {
    columns: {
      id: required,
      logto_id: required,
      email: required,
      username: optional,
      is_beta_user: required,
      is_paying_user: required,
      ...timestamps,
    },
    unique: ['logto_id', 'email'],
  },
  chats: {
    columns: { id: required, user_id: required, title: optional, ...timestamps },
    foreignKeys: [{ column: 'user_id', table: 'users', to: 'id', onDelete: 'CASCADE' }],
  },
  messages: {
    columns: {
      id: required,
      chat_id: required,
      parent_message_id: optional,
      role: required,
      content: required,
      metadata: optional,
      ...timestamps,
    },
    foreignKeys: [
      { column: 'chat_id', table: 'chats', to: 'id', onDelete: 'CASCADE' },
      { column: 'parent_message_id', table: 'messages', to: 'id', onDelete: 'SET NULL' },
    ],
  },
  files: {
    columns: {
      id: required,
      user_id: required,
      message_id: optional,
      file_name: required,
      file_type: required,
      file_size: required,
      storage_path: required,
      status: required,
      processing_details: optional,
      ...timestamps,
    },
    foreignKeys: [
      { column: 'user_id', table: 'users', to: 'id', onDelete: 'CASCADE' },
      { column: 'message_id', table: 'messages', to: 'id', onDelete: 'SET NULL' },
    ],
  },
  models: {
    columns: {
      id: required,
      provider_name: required,
      model_id: required,
      name: required,
      is_available: required,
      is_byok_supported: required,
      is_paid_model: required,
      capabilities: optional,
      ...timestamps,
    },
    unique: ['model_id'],
  },
  user_models: {
    columns: {
      id: required,
      user_id: required,
      /*
      | The seed says NOT NULL; migration 0040 relaxes it on purpose: a BYOK key
      | belongs to a provider, and key rows have provider set and no model.
      */
      model_id: optional,
      api_key: required,
      is_active: required,
      settings: optional,
      ...timestamps,
    },
    foreignKeys: [
      { column: 'user_id', table: 'users', to: 'id', onDelete: 'CASCADE' },
      { column: 'model_id', table: 'models', to: 'id', onDelete: 'RESTRICT' },
    ],
  },
  payments: {
    columns: {
      id: required,
      user_id: required,
      gateway: required,
      transaction_id: required,
      amount: required,
      currency: required,
      status: required,
      details: optional,
      ...timestamps,
    },
    unique: ['transaction_id'],
    foreignKeys: [{ column: 'user_id', table: 'users', to: 'id', onDelete: 'CASCADE' }],
  },
  subscriptions: {
    columns: {
      id: required,
      user_id: required,
      plan_name: required,
      status: required,
      start_date: required,
      end_date: required,
      gateway_subscription_id: required,
      details: optional,
      ...timestamps,
    },
    unique: ['gateway_subscription_id'],
    foreignKeys: [{ column: 'user_id', table: 'users', to: 'id', onDelete: 'CASCADE' }],
  },
  activity_logs: {
    columns: {
      id: required,
      user_id: optional,
      event_name: required,
      details: optional,
      created_at: required,
    },
    foreignKeys: [{ column: 'user_id', table: 'users', to: 'id', onDelete: 'SET NULL' }],
  },
  audit_logs: {
    columns: {
      id: required,
      user_id: optional,
      action: required,
      model_name: required,
      model_id: optional,
      old_data: optional,
      new_data: optional,
      created_at: required,
    },
    foreignKeys: [{ column: 'user_id', table: 'users', to: 'id', onDelete: 'SET NULL' }],
  },
  // @adonisjs/lock's database store (config/lock.ts)
  locks: {
    columns: { key: required, owner: required, expiration: optional },
  },
}

type TableInfoRow = { name: string; type: string; notnull: number; pk: number }
type ForeignKeyRow = { table: string; from: string; to: string; on_delete: string }
type IndexListRow = { name: string; unique: number; origin: string }

async function pragma<T>(sql: string): Promise<T[]> {
  return (await db.connection('main').rawQuery(sql)) as T[]
}

/* Every index of a table with its ordered columns, the primary key included. */
async function indexesOf(table: string) {
  const list = await pragma<IndexListRow>(`PRAGMA index_list(\`${table}\`)`)
  const indexes = []
  for (const index of list) {
    const info = await pragma<{ seqno: number; name: string }>(
      `PRAGMA index_info(\`${index.name}\`)`
    )
    const columns = info.sort((a, b) => a.seqno - b.seqno).map((row) => row.name)
    indexes.push({ name: index.name, unique: index.unique === 1, origin: index.origin, columns })
  }
  return indexes
}

test.group('Schema of main.sqlite (read from SQLite)', () => {
  for (const [table, spec] of Object.entries(SEED)) {
    test(`${table}: columns, NOT NULL, primary key`, async ({ assert }) => {
      const columns = await pragma<TableInfoRow>(`PRAGMA table_info(\`${table}\`)`)
      assert.isAbove(columns.length, 0, `table ${table} is missing`)
      const byName = new Map(columns.map((column) => [column.name, column]))

      for (const [name, column] of Object.entries(spec.columns)) {
        const actual = byName.get(name)
        assert.exists(actual, `${table}.${name} is missing`)
        // SQLite reports primary keys without NOT NULL unless declared; ours are declared.
        assert.equal(
          actual!.notnull === 1,
          column.notNull,
          `${table}.${name} should be ${column.notNull ? 'NOT NULL' : 'nullable'}`
        )
      }

      const primaryKey = columns.filter((column) => column.pk > 0).map((column) => column.name)
      assert.deepEqual(primaryKey, table === 'locks' ? ['key'] : ['id'])
    })

    if (spec.unique?.length) {
      test(`${table}: unique keys ${spec.unique.join(', ')}`, async ({ assert }) => {
        const indexes = await indexesOf(table)
        for (const column of spec.unique!) {
          const match = indexes.find(
            (index) => index.unique && index.columns.length === 1 && index.columns[0] === column
          )
          assert.exists(match, `${table}.${column} has no unique index`)
        }
      })
    }

    if (spec.foreignKeys?.length) {
      test(`${table}: foreign keys, each indexed`, async ({ assert }) => {
        const foreignKeys = await pragma<ForeignKeyRow>(`PRAGMA foreign_key_list(\`${table}\`)`)
        const indexes = await indexesOf(table)

        for (const expected of spec.foreignKeys!) {
          const actual = foreignKeys.find((fk) => fk.from === expected.column)
          assert.exists(actual, `${table}.${expected.column} is not a foreign key`)
          assert.equal(actual!.table, expected.table, `${table}.${expected.column} target table`)
          assert.equal(actual!.to, expected.to, `${table}.${expected.column} target column`)
          assert.equal(
            actual!.on_delete,
            expected.onDelete,
            `${table}.${expected.column} ON DELETE`
          )

          // An index led by the column serves the lookup and the ON DELETE scan.
          const leading = indexes.find((index) => index.columns[0] === expected.column)
          assert.exists(leading, `${table}.${expected.column} has no index`)
        }
      })
    }
  }

  test('messages(chat_id, created_at) has its index, in that order', async ({ assert }) => {
    const indexes = await indexesOf('messages')
    assert.exists(
      indexes.find((index) => index.columns.join(',') === 'chat_id,created_at'),
      'no index on messages(chat_id, created_at)'
    )
  })

  test('every foreign key in the database is satisfied', async ({ assert }) => {
    assert.deepEqual(await pragma('PRAGMA foreign_key_check'), [])
  })

  test('the constraints are enforced, not just declared', async ({ assert }) => {
    const trx = await db.connection('main').transaction()
    try {
      await assert.rejects(
        () =>
          trx.table('chats').insert({
            id: '00000000-0000-4000-8000-000000000001',
            user_id: '00000000-0000-4000-8000-00000000dead',
            created_at: '2025-01-01 00:00:00',
            updated_at: '2025-01-01 00:00:00',
          }),
        /FOREIGN KEY constraint failed/
      )
      await assert.rejects(
        () =>
          trx.table('models').insert({
            id: '00000000-0000-4000-8000-000000000002',
            provider_name: 'test',
            model_id: null,
            name: 'x',
            created_at: '2025-01-01 00:00:00',
            updated_at: '2025-01-01 00:00:00',
          }),
        /NOT NULL constraint failed: models.model_id/
      )
    } finally {
      await trx.rollback()
    }
  })
})
