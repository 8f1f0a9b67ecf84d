import { DateTime } from 'luxon'
import { compose } from '@adonisjs/core/helpers'
import { column, hasMany } from '@adonisjs/lucid/orm'
import type { HasMany } from '@adonisjs/lucid/types/relations'
import { withAudit } from '#audit/auditable'
import Chat from '#models/chat'
import StoredFile from '#models/stored_file'
import UserModel from '#models/user_model'
import Payment from '#models/payment'
import Subscription from '#models/subscription'
import ActivityLog from '#models/activity_log'
import AuditLog from '#models/audit_log'
import { UuidModel } from '#models/uuid_model'

/*
| Audited: every create/update/delete writes an audit_logs row owned by the
| user itself (none for its deletion: the row it would point to is gone).
*/
export default class User extends compose(
  UuidModel,
  withAudit({
    ownerId: (user, action) => (action === 'delete' ? null : String(user.$primaryKeyValue)),
  })
) {
  /* The subject ("sub") Logto issued for this person. */
  @column()
  declare logtoId: string

  @column()
  declare email: string

  @column()
  declare username: string | null

  @column({ consume: (value) => Boolean(value) })
  declare isBetaUser: boolean

  @column({ consume: (value) => Boolean(value) })
  declare isPayingUser: boolean

  @column.dateTime({ autoCreate: true })
  declare createdAt: DateTime

  @column.dateTime({ autoCreate: true, autoUpdate: true })
  declare updatedAt: DateTime

  @hasMany(() => Chat)
  declare chats: HasMany<typeof Chat>

  @hasMany(() => StoredFile)
  declare files: HasMany<typeof StoredFile>

  @hasMany(() => UserModel)
  declare userModels: HasMany<typeof UserModel>

  @hasMany(() => Payment)
  declare payments: HasMany<typeof Payment>

  @hasMany(() => Subscription)
  declare subscriptions: HasMany<typeof Subscription>

  @hasMany(() => ActivityLog)
  declare activityLogs: HasMany<typeof ActivityLog>

  @hasMany(() => AuditLog)
  declare auditLogs: HasMany<typeof AuditLog>

  /* What the UI calls this person. */
  get displayName() {
    return this.username || this.email.split('@')[0]
  }

  get initials() {
    const parts = this.displayName.split(/[\s._-]+/).filter(Boolean)
    const letters = parts.length > 1 ? parts[0][0] + parts[1][0] : this.displayName.slice(0, 2)
    return letters.toUpperCase()
  }
}
