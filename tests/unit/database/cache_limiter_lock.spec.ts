import { randomUUID } from 'node:crypto'
import { test } from '@japa/runner'
import app from '@adonisjs/core/services/app'
import db from '@adonisjs/lucid/services/db'
import cache from '@adonisjs/cache/services/main'
import limiter from '@adonisjs/limiter/services/main'
import lock from '@adonisjs/lock/services/main'
import { BentoCache } from '@adonisjs/cache'
import { errors as limiterErrors } from '@adonisjs/limiter'

test.group('Cache: memory L1 + cache.sqlite L2', () => {
  test('a value set through the app lands in cache.sqlite and a cold cache reads it back', async ({
    assert,
    cleanup,
  }) => {
    const key = `test:cache:${randomUUID()}`
    cleanup(async () => {
      await cache.delete({ key })
    })

    await cache.set({ key, value: { answer: 42 }, ttl: '10m' })
    assert.deepEqual(await cache.get({ key }), { answer: 42 })

    const rows = await db.connection('cache').from('cache').whereLike('key', `%${key}`)
    assert.lengthOf(rows, 1, 'no row in cache.sqlite for the key')
    assert.include(String(rows[0].value), '42')

    /*
    | A second cache built from the same config starts with an empty memory
    | layer, like the app after a restart: it can only answer from SQLite.
    */
    const config = app.config.get<any>('cache')
    const cold = new BentoCache({
      default: 'default',
      stores: { default: await config.stores.default.entry().resolver(app) },
    })
    try {
      assert.deepEqual(await cold.get({ key }), { answer: 42 })
    } finally {
      await cold.disconnectAll()
    }
  })

  test('delete removes the value from both layers', async ({ assert }) => {
    const key = `test:cache:${randomUUID()}`
    await cache.set({ key, value: 'soon gone' })
    await cache.delete({ key })

    assert.isUndefined(await cache.get({ key }))
    assert.lengthOf(await db.connection('cache').from('cache').whereLike('key', `%${key}`), 0)
  })
})

test.group('Limiter: limiter.sqlite', () => {
  test('consume counts in limiter.sqlite and refuses past the limit', async ({
    assert,
    cleanup,
  }) => {
    const key = `test:limiter:${randomUUID()}`
    const limit = limiter.use('database', { requests: 2, duration: '1 minute' })
    cleanup(async () => {
      await limit.delete(key)
    })

    const first = await limit.consume(key)
    assert.equal(first.remaining, 1)
    await limit.consume(key)
    assert.equal(await limit.remaining(key), 0)

    const rows = await db.connection('limiter').from('rate_limits').whereLike('key', `%${key}%`)
    assert.lengthOf(rows, 1, 'no row in limiter.sqlite for the key')
    assert.equal(rows[0].points, 2)

    await assert.rejects(() => limit.consume(key), limiterErrors.E_TOO_MANY_REQUESTS as any)
    try {
      await limit.consume(key)
    } catch (error) {
      assert.instanceOf(error, limiterErrors.E_TOO_MANY_REQUESTS)
      assert.isAbove((error as any).response.availableIn, 0)
    }
  })

  test('keys are counted apart', async ({ assert, cleanup }) => {
    const a = `test:limiter:${randomUUID()}`
    const b = `test:limiter:${randomUUID()}`
    const limit = limiter.use('database', { requests: 1, duration: '1 minute' })
    cleanup(async () => {
      await limit.delete(a)
      await limit.delete(b)
    })

    await limit.consume(a)
    await assert.rejects(() => limit.consume(a))
    const response = await limit.consume(b)
    assert.equal(response.remaining, 0)
  })
})

test.group('Lock: main.sqlite', () => {
  test('a held lock blocks a second owner until released', async ({ assert, cleanup }) => {
    const key = `test:lock:${randomUUID()}`
    const first = lock.createLock(key, '30s')
    cleanup(() => first.forceRelease())

    assert.isTrue(await first.acquireImmediately())
    const row = await db.connection('main').from('locks').where('key', key).first()
    assert.exists(row, 'no row in main.sqlite locks')
    assert.isAbove(Number(row.expiration), Date.now())

    const second = lock.createLock(key, '30s')
    assert.isFalse(await second.acquireImmediately())
    assert.isTrue(await second.isLocked())

    await first.release()
    assert.isNull(await db.connection('main').from('locks').where('key', key).first())
    assert.isTrue(await second.acquireImmediately())
    await second.release()
  })

  test('run() serializes two holders of the same key', async ({ assert }) => {
    const key = `test:lock:${randomUUID()}`
    const events: string[] = []
    let releaseFirst!: () => void
    const firstHolds = new Promise<void>((resolve) => (releaseFirst = resolve))
    let signalEntered!: () => void
    const firstEntered = new Promise<void>((resolve) => (signalEntered = resolve))

    const a = lock.createLock(key, '30s').run(async () => {
      events.push('a:start')
      signalEntered()
      await firstHolds
      events.push('a:end')
    })
    await firstEntered
    const b = lock.createLock(key, '30s').run(async () => {
      events.push('b:start')
    })
    // b is waiting on the lock row; a finishes only when told to.
    await new Promise((resolve) => setImmediate(resolve))
    assert.deepEqual(events, ['a:start'])
    releaseFirst()
    await Promise.all([a, b])

    assert.deepEqual(events, ['a:start', 'a:end', 'b:start'])
  })
})
