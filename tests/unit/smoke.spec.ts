import { test } from '@japa/runner'
import db from '@adonisjs/lucid/services/db'

test.group('smoke', () => {
  test('main database answers', async ({ assert }) => {
    const [row] = await db.rawQuery('select 1 as one')
    assert.equal(row.one, 1)
  })
})
