import { statSync } from 'node:fs'
import { dirname } from 'node:path'
import { test } from '@japa/runner'
import app from '@adonisjs/core/services/app'
import db from '@adonisjs/lucid/services/db'

const CONNECTIONS = ['main', 'cache', 'limiter'] as const

function filenameOf(connection: string): string {
  return app.config.get(`database.connections.${connection}.connection.filename`)
}

function modeOf(path: string) {
  return (statSync(path).mode & 0o777).toString(8)
}

async function pragma(connection: string, name: string) {
  const [row] = (await db.connection(connection).rawQuery(`PRAGMA ${name}`)) as Record<
    string,
    unknown
  >[]
  return Object.values(row)[0]
}

test.group('SQLite connections: pragmas and file permissions', () => {
  for (const connection of CONNECTIONS) {
    test(`${connection}: WAL, foreign keys, busy timeout, synchronous NORMAL`, async ({
      assert,
    }) => {
      assert.equal(await pragma(connection, 'journal_mode'), 'wal')
      assert.equal(await pragma(connection, 'foreign_keys'), 1)
      assert.isAbove(Number(await pragma(connection, 'busy_timeout')), 0)
      // 1 = NORMAL (0 OFF, 2 FULL, 3 EXTRA)
      assert.equal(await pragma(connection, 'synchronous'), 1)
    })

    test(`${connection}: the file, its WAL files and its folder are owner-only`, async ({
      assert,
    }) => {
      // In WAL mode the first read creates the -wal and -shm files beside the database.
      await db.connection(connection).rawQuery('SELECT count(*) FROM sqlite_master')

      const file = filenameOf(connection)
      assert.match(file, new RegExp(`${connection}\\.sqlite$`))
      assert.equal(modeOf(file), '600', file)
      assert.equal(modeOf(`${file}-wal`), '600', `${file}-wal`)
      assert.equal(modeOf(`${file}-shm`), '600', `${file}-shm`)
      assert.equal(modeOf(dirname(file)), '700', dirname(file))
    })
  }

  test('the three connections are three different files in one folder', ({ assert }) => {
    const files = CONNECTIONS.map(filenameOf)
    assert.lengthOf(new Set(files), 3)
    assert.lengthOf(new Set(files.map((file) => dirname(file))), 1)
  })
})
