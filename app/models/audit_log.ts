import { DateTime } from 'luxon'
import { belongsTo, column } from '@adonisjs/lucid/orm'
import type { BelongsTo } from '@adonisjs/lucid/types/relations'
import User from '#models/user'
import { jsonColumn } from '#models/json_column'
import { UuidModel } from '#models/uuid_model'

export type AuditAction = 'create' | 'update' | 'delete'

/* One create/update/delete of an audited row; written by app/audit/auditable.ts. */
export default class AuditLog extends UuidModel {
  static table = 'audit_logs'

  /* The user the row belongs to (not necessarily who made the change). */
  @column()
  declare userId: string | null

  @column()
  declare action: AuditAction

  @column()
  declare modelName: string

  @column()
  declare modelId: string | null

  @column(jsonColumn())
  declare oldData: Record<string, unknown> | null

  @column(jsonColumn())
  declare newData: Record<string, unknown> | null

  @column.dateTime({ autoCreate: true })
  declare createdAt: DateTime

  @belongsTo(() => User)
  declare user: BelongsTo<typeof User>
}
