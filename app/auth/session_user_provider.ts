import { SessionLucidUserProvider } from '@adonisjs/auth/session'
import type {
  LucidAuthenticatable,
  SessionGuardUser,
  SessionLucidUserProviderOptions,
} from '@adonisjs/auth/types/session'
import { mainSqlite } from '#core/main_sqlite'

/*
| The session guard's user lookup, run on every signed-in request: the row
| through a prepared statement instead of `Model.find` (knex's query builder
| costs some 20x the read itself), hydrated into the same Lucid model. Always
| the current row, so a plan granted from another process counts at once.
*/
export class SessionUserProvider<
  UserModel extends LucidAuthenticatable,
> extends SessionLucidUserProvider<UserModel> {
  async findById(
    identifier: string | number | bigint
  ): Promise<SessionGuardUser<InstanceType<UserModel>> | null> {
    const model = await this.getModel()
    const row = await mainSqlite.get<Record<string, unknown>>(
      `SELECT * FROM ${model.table} WHERE ${model.primaryKey} = ?`,
      [String(identifier)]
    )
    if (!row) return null
    const user = model.$createFromAdapterResult(row) as InstanceType<UserModel> | null
    return user ? this.createUserForGuard(user) : null
  }
}

/* As `sessionUserProvider` from @adonisjs/auth/session (same options, same types). */
export function fastSessionUserProvider<Model extends LucidAuthenticatable>(
  options: SessionLucidUserProviderOptions<Model>
): SessionLucidUserProvider<Model> {
  return new SessionUserProvider(options)
}
