import type { ApplicationService } from '@adonisjs/core/types'
import type { SqliteConfig } from '@adonisjs/lucid/types/database'
import { servesRequests } from '#core/app_lifecycle'
import { WalCheckpointer } from '#core/wal_checkpointer'

/*
| Brings every SQLite file up to date before the server takes requests, so a
| fresh clone works with `npm run dev` alone and an operator never runs a
| server on a stale schema. Set DB_AUTO_MIGRATE=false to migrate by hand.
*/
export default class DatabaseProvider {
  #checkpointer: WalCheckpointer | null = null

  constructor(protected app: ApplicationService) {}

  async start() {
    if (!servesRequests(this.app)) return
    await this.#migrate()
    await this.#checkpointOffTheLoop()
  }

  async shutdown() {
    await this.#checkpointer?.stop()
    this.#checkpointer = null
  }

  /* The main file's WAL checkpoints run in a worker thread (see wal_checkpointer.ts). */
  async #checkpointOffTheLoop() {
    const db = await this.app.container.make('lucid.db')
    const file = (db.getRawConnection('main')?.config as SqliteConfig | undefined)?.connection
    if (!file || !('filename' in file) || typeof file.filename !== 'string') return
    const { default: logger } = await import('@adonisjs/core/services/logger')
    this.#checkpointer = await WalCheckpointer.start({
      file: file.filename,
      setAutoCheckpoint: (pages) =>
        db.connection('main').rawQuery(`PRAGMA wal_autocheckpoint = ${pages}`),
      onError: (message) => logger.warn({ message }, 'WAL checkpoint worker'),
    })
  }

  async #migrate() {
    const { default: env } = await import('#start/env')
    if (env.get('DB_AUTO_MIGRATE', true) === false) return

    const db = await this.app.container.make('lucid.db')
    const { MigrationRunner } = await import('@adonisjs/lucid/migration')
    for (const connectionName of ['main', 'limiter']) {
      const migrator = new MigrationRunner(db, this.app, { direction: 'up', connectionName })
      await migrator.run()
      if (migrator.error) throw migrator.error
    }
  }
}
