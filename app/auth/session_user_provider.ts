import { SessionLucidUserProvider } from '@adonisjs/auth/session'
import type { SessionGuardUser } from '@adonisjs/auth/types/session'
import type User from '#models/user'
import { mainSqlite } from '#core/main_sqlite'

const FIND_USER = 'SELECT * FROM users WHERE id = ?'

/*
| The session guard's user lookup, run on every signed-in request: the row
| through a prepared statement instead of `User.find` (knex's query builder
| costs some 20x the read itself), hydrated into the same Lucid model. Always
| the current row, so a plan granted from another process counts at once.
*/
export class SessionUserProvider extends SessionLucidUserProvider<typeof User> {
  async findById(identifier: string | number | bigint): Promise<SessionGuardUser<User> | null> {
    const row = await mainSqlite.get<Record<string, unknown>>(FIND_USER, [String(identifier)])
    if (!row) return null
    const model = await this.getModel()
    const user = model.$createFromAdapterResult(row)
    return user ? this.createUserForGuard(user) : null
  }
}
