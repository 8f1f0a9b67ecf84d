import { randomUUID } from 'node:crypto'
import { DateTime } from 'luxon'
import { compose } from '@adonisjs/core/helpers'
import { BaseModel, beforeCreate, belongsTo, column } from '@adonisjs/lucid/orm'
import type { BelongsTo } from '@adonisjs/lucid/types/relations'
import User from '#models/user'
import { withAudit } from '#audit/auditable'
import { jsonColumn } from '#models/json_column'

export default class Payment extends compose(BaseModel, withAudit()) {
  static table = 'payments'
  static selfAssignPrimaryKey = true

  @column({ isPrimary: true })
  declare id: string

  @column()
  declare userId: string

  /* stripe, paddle, lipila */
  @column()
  declare gateway: string

  /* The gateway's own id for the transaction; unique. */
  @column()
  declare transactionId: string

  /* In currency units (not cents); SQLite keeps NUMERIC as a number. */
  @column({ consume: (value) => (value === null ? value : Number(value)) })
  declare amount: number

  /* ISO 4217, e.g. "USD", "ZMW" */
  @column()
  declare currency: string

  /* e.g. pending, completed, failed */
  @column()
  declare status: string

  @column(jsonColumn())
  declare details: Record<string, unknown> | null

  @column.dateTime({ autoCreate: true })
  declare createdAt: DateTime

  @column.dateTime({ autoCreate: true, autoUpdate: true })
  declare updatedAt: DateTime

  @belongsTo(() => User)
  declare user: BelongsTo<typeof User>

  @beforeCreate()
  static assignId(payment: Payment) {
    payment.id ??= randomUUID()
  }
}
