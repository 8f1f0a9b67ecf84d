import { randomUUID } from 'node:crypto'
import { DateTime } from 'luxon'
import { test } from '@japa/runner'
import db from '@adonisjs/lucid/services/db'
import User from '#models/user'
import AiModel from '#models/ai_model'
import UserModel from '#models/user_model'
import Payment from '#models/payment'
import Subscription from '#models/subscription'
import AuditLog from '#models/audit_log'
import { redactSecrets } from '#audit/redact'

function auditRows(modelName: string, modelId: string) {
  return AuditLog.query()
    .where('model_name', modelName)
    .where('model_id', modelId)
    .orderBy('created_at')
    .orderByRaw('rowid')
}

function makeUser(suffix = randomUUID()) {
  return User.create({ logtoId: `sub-${suffix}`, email: `${suffix}@audit.example.test` })
}

test.group('Audit trail: users', (group) => {
  group.each.setup(async () => {
    await db.beginGlobalTransaction()
    return () => db.rollbackGlobalTransaction()
  })

  test('create writes the new row, owned by the user', async ({ assert }) => {
    const user = await makeUser()

    const [row] = await auditRows('User', user.id)
    assert.equal(row.action, 'create')
    assert.equal(row.userId, user.id)
    assert.isNull(row.oldData)
    assert.equal(row.newData!.email, user.email)
    assert.equal(row.newData!.logto_id, user.logtoId)
    assert.equal(row.newData!.id, user.id)
    assert.containsSubset(row.newData!, { is_beta_user: false, is_paying_user: false })
  })

  test('update records only the changed columns, old and new', async ({ assert }) => {
    const user = await makeUser()
    user.username = 'ada'
    user.isBetaUser = true
    await user.save()

    const rows = await auditRows('User', user.id)
    assert.deepEqual(
      rows.map((row) => row.action),
      ['create', 'update']
    )
    const update = rows[1]
    assert.equal(update.userId, user.id)
    assert.deepEqual(update.oldData, { username: null, is_beta_user: false })
    assert.deepEqual(update.newData, { username: 'ada', is_beta_user: true })
  })

  test('a save without changes writes nothing', async ({ assert }) => {
    const user = await makeUser()
    user.username = null
    await user.save()
    await user.save()

    assert.lengthOf(await auditRows('User', user.id), 1)
  })

  test('delete keeps the old row; user_id is null since that user is gone', async ({ assert }) => {
    const user = await makeUser()
    const id = user.id
    await user.delete()

    const rows = await auditRows('User', id)
    assert.deepEqual(
      rows.map((row) => row.action),
      ['create', 'delete']
    )
    const deletion = rows[1]
    assert.isNull(deletion.userId)
    assert.isNull(deletion.newData)
    assert.equal(deletion.oldData!.email, user.email)
    // The create row pointed at the user; ON DELETE SET NULL detached it.
    assert.isNull(rows[0].userId)
  })

  test('the audit row shares the transaction of the change', async ({ assert }) => {
    const user = await makeUser()

    await assert.rejects(() =>
      db.transaction(async (trx) => {
        user.useTransaction(trx)
        user.username = 'rolled-back'
        await user.save()
        assert.lengthOf(await auditRows('User', user.id).useTransaction(trx), 2)
        throw new Error('abort')
      })
    )
    assert.lengthOf(await auditRows('User', user.id), 1, 'the update audit survived a rollback')

    const fresh = await User.findOrFail(user.id)
    await db.transaction(async (trx) => {
      fresh.useTransaction(trx)
      fresh.username = 'committed'
      await fresh.save()
    })
    const rows = await auditRows('User', user.id)
    assert.lengthOf(rows, 2)
    assert.deepEqual(rows[1].newData, { username: 'committed' })
  })

  test('dates are stored as ISO 8601 strings of the stored value', async ({ assert }) => {
    const user = await makeUser()
    const [row] = await auditRows('User', user.id)
    const stored = DateTime.fromISO(String(row.newData!.created_at))
    assert.isTrue(stored.isValid)
    // The database keeps whole seconds.
    assert.equal(stored.toUnixInteger(), user.createdAt.toUnixInteger())
  })
})

test.group('Audit trail: secrets never reach audit_logs', (group) => {
  group.each.setup(async () => {
    await db.beginGlobalTransaction()
    return () => db.rollbackGlobalTransaction()
  })

  test('a user_models api_key is redacted on create, update and delete', async ({ assert }) => {
    const user = await makeUser()
    const model = await AiModel.create({
      providerName: 'openrouter',
      modelId: `test/audit-${randomUUID()}`,
      name: 'Audit test model',
      isAvailable: true,
      isByokSupported: true,
      isPaidModel: false,
    })
    const firstKey = `sk-or-v1-${randomUUID()}`
    const secondKey = `sk-or-v1-${randomUUID()}`
    const settingsKey = `sk-${randomUUID()}`

    const userModel = await UserModel.create({
      userId: user.id,
      modelId: model.id,
      apiKey: firstKey,
      isActive: true,
      settings: { temperature: 0.2, nested: { apiKey: settingsKey } },
    })
    userModel.apiKey = secondKey
    userModel.isActive = false
    await userModel.save()
    await userModel.delete()

    const rows = await auditRows('UserModel', userModel.id)
    assert.deepEqual(
      rows.map((row) => row.action),
      ['create', 'update', 'delete']
    )
    for (const row of rows) assert.equal(row.userId, user.id)

    assert.equal(rows[0].newData!.api_key, '[redacted]')
    assert.deepEqual(rows[0].newData!.settings, {
      temperature: 0.2,
      nested: { apiKey: '[redacted]' },
    })
    assert.deepEqual(rows[1].oldData, { api_key: '[redacted]', is_active: true })
    assert.deepEqual(rows[1].newData, { api_key: '[redacted]', is_active: false })
    assert.equal(rows[2].oldData!.api_key, '[redacted]')

    // Whatever the shape, no stored text anywhere holds any of the keys.
    const raw = await db.from('audit_logs').where('model_id', userModel.id)
    const stored = JSON.stringify(raw)
    for (const secret of [firstKey, secondKey, settingsKey]) assert.notInclude(stored, secret)
  })

  test('redactSecrets: names like api_key, apiKey, secret, token, password, at any depth', ({
    assert,
  }) => {
    assert.deepEqual(
      redactSecrets({
        api_key: 'a',
        apiKey: 'b',
        clientSecret: 'c',
        refresh_token: 'd',
        password: 'e',
        list: [{ accessToken: 'f', keep: 1 }],
        name: 'kept',
      }),
      {
        api_key: '[redacted]',
        apiKey: '[redacted]',
        clientSecret: '[redacted]',
        refresh_token: '[redacted]',
        password: '[redacted]',
        list: [{ accessToken: '[redacted]', keep: 1 }],
        name: 'kept',
      }
    )
  })
})

test.group('Audit trail: payments and subscriptions', (group) => {
  group.each.setup(async () => {
    await db.beginGlobalTransaction()
    return () => db.rollbackGlobalTransaction()
  })

  test('a payment and a subscription are audited under their owner', async ({ assert }) => {
    const user = await makeUser()
    const payment = await Payment.create({
      userId: user.id,
      gateway: 'stripe',
      transactionId: `pi_${randomUUID()}`,
      amount: 12.5,
      currency: 'USD',
      status: 'pending',
      details: { receipt: 'r-1' },
    })
    payment.status = 'completed'
    await payment.save()

    const subscription = await Subscription.create({
      userId: user.id,
      planName: 'pro',
      status: 'active',
      startDate: DateTime.utc(2025, 1, 1),
      endDate: DateTime.utc(2025, 2, 1),
      gatewaySubscriptionId: `sub_${randomUUID()}`,
    })

    const paymentRows = await auditRows('Payment', payment.id)
    assert.deepEqual(
      paymentRows.map((row) => [row.action, row.userId]),
      [
        ['create', user.id],
        ['update', user.id],
      ]
    )
    assert.equal(paymentRows[0].newData!.amount, 12.5)
    assert.deepEqual(paymentRows[0].newData!.details, { receipt: 'r-1' })
    assert.deepEqual(paymentRows[1].oldData, { status: 'pending' })
    assert.deepEqual(paymentRows[1].newData, { status: 'completed' })

    const [subscriptionRow] = await auditRows('Subscription', subscription.id)
    assert.equal(subscriptionRow.action, 'create')
    assert.equal(subscriptionRow.userId, user.id)
    assert.equal(
      DateTime.fromISO(String(subscriptionRow.newData!.start_date)).toMillis(),
      DateTime.utc(2025, 1, 1).toMillis()
    )
  })
})
