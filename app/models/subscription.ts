import { randomUUID } from 'node:crypto'
import { DateTime } from 'luxon'
import { compose } from '@adonisjs/core/helpers'
import { BaseModel, beforeCreate, belongsTo, column } from '@adonisjs/lucid/orm'
import type { BelongsTo } from '@adonisjs/lucid/types/relations'
import User from '#models/user'
import { withAudit } from '#audit/auditable'
import { jsonColumn } from '#models/json_column'

export default class Subscription extends compose(BaseModel, withAudit()) {
  static table = 'subscriptions'
  static selfAssignPrimaryKey = true

  @column({ isPrimary: true })
  declare id: string

  @column()
  declare userId: string

  @column()
  declare planName: string

  /* e.g. active, cancelled, past_due */
  @column()
  declare status: string

  @column.dateTime()
  declare startDate: DateTime

  @column.dateTime()
  declare endDate: DateTime

  /* The gateway's own id for the subscription; unique. */
  @column()
  declare gatewaySubscriptionId: string

  @column(jsonColumn())
  declare details: Record<string, unknown> | null

  @column.dateTime({ autoCreate: true })
  declare createdAt: DateTime

  @column.dateTime({ autoCreate: true, autoUpdate: true })
  declare updatedAt: DateTime

  @belongsTo(() => User)
  declare user: BelongsTo<typeof User>

  @beforeCreate()
  static assignId(subscription: Subscription) {
    subscription.id ??= randomUUID()
  }
}
