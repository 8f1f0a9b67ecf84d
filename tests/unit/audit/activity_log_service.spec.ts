import { test } from '@japa/runner'
import app from '@adonisjs/core/services/app'
import db from '@adonisjs/lucid/services/db'
import ActivityLogService from '#audit/services/activity_log_service'
import ActivityLog from '#models/activity_log'
import User from '#models/user'

test.group('ActivityLogService', (group) => {
  group.each.setup(async () => {
    await db.beginGlobalTransaction()
    return () => db.rollbackGlobalTransaction()
  })

  test('records a user event with its details', async ({ assert }) => {
    const user = await User.create({ logtoId: 'sub-activity-1', email: 'activity1@example.test' })
    const service = new ActivityLogService()

    await service.record('user.signed_in', { userId: user.id, details: { method: 'logto' } })

    const rows = await db.from('activity_logs').where('user_id', user.id)
    assert.lengthOf(rows, 1)
    assert.equal(rows[0].event_name, 'user.signed_in')
    assert.deepEqual(JSON.parse(rows[0].details), { method: 'logto' })
    assert.isNotNull(rows[0].created_at)
    assert.match(rows[0].id, /^[0-9a-f-]{36}$/)

    const log = await ActivityLog.findOrFail(rows[0].id)
    assert.deepEqual(log.details, { method: 'logto' })
  })

  test('records a system event without a user, details stored as SQL null', async ({ assert }) => {
    const service = await app.container.make(ActivityLogService)
    const log = await service.record('sync.store_denied')

    const row = await db.from('activity_logs').where('id', log.id).firstOrFail()
    assert.isNull(row.user_id)
    assert.isNull(row.details)
    assert.equal(row.event_name, 'sync.store_denied')
  })

  test('refuses an empty event name', async ({ assert }) => {
    await assert.rejects(() => new ActivityLogService().record('  '), /eventName is required/)
  })

  test('keeps the log when the user is deleted, with user_id set null', async ({ assert }) => {
    const user = await User.create({ logtoId: 'sub-activity-2', email: 'activity2@example.test' })
    const log = await new ActivityLogService().record('user.signed_up', { userId: user.id })
    await db.from('users').where('id', user.id).delete()

    const row = await db.from('activity_logs').where('id', log.id).firstOrFail()
    assert.isNull(row.user_id)
  })
})
