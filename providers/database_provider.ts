import type { ApplicationService } from '@adonisjs/core/types'
import { servesRequests } from '#core/app_lifecycle'

/*
| Brings every SQLite file up to date before the server takes requests, so a
| fresh clone works with `npm run dev` alone and an operator never runs a
| server on a stale schema. Set DB_AUTO_MIGRATE=false to migrate by hand.
*/
export default class DatabaseProvider {
  constructor(protected app: ApplicationService) {}

  async start() {
    if (!servesRequests(this.app)) return

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
