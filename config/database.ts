import env from '#start/env'
import app from '@adonisjs/core/services/app'
import { defineConfig } from '@adonisjs/lucid'
import type { SqliteConfig } from '@adonisjs/lucid/types/database'
import { applyPragmas, prepareDatabaseFile, resolveDatabaseDir } from '#core/sqlite_files'

const databaseDir = resolveDatabaseDir(
  app.appRoot.pathname,
  env.get('DATABASE_DIR'),
  app.inTest ? 'tmp/test' : 'tmp'
)

function sqliteConnection(name: string, migrationsFolder?: string): SqliteConfig {
  return {
    client: 'better-sqlite3',
    connection: { filename: prepareDatabaseFile(`${databaseDir}/${name}.sqlite`) },
    useNullAsDefault: true,
    /* Our models declare their columns themselves; no generated schema file. */
    schemaGeneration: { enabled: false },
    pool: {
      afterCreate: (connection: any, done: (error: Error | null, connection: any) => void) => {
        try {
          applyPragmas(connection)
          done(null, connection)
        } catch (error) {
          done(error as Error, connection)
        }
      },
    },
    migrations: migrationsFolder
      ? { naturalSort: true, paths: [migrationsFolder] }
      : { naturalSort: true, paths: [] },
  }
}

const dbConfig = defineConfig({
  connection: 'main',
  connections: {
    main: sqliteConnection('main', 'database/migrations/main'),
    cache: sqliteConnection('cache'),
    limiter: sqliteConnection('limiter', 'database/migrations/limiter'),
  },
})

export default dbConfig
