import { DateTime } from 'luxon'
import { compose } from '@adonisjs/core/helpers'
import { belongsTo, column } from '@adonisjs/lucid/orm'
import type { BelongsTo } from '@adonisjs/lucid/types/relations'
import User from '#models/user'
import { withAudit } from '#audit/auditable'
import { jsonColumn } from '#models/json_column'
import { UuidModel } from '#models/uuid_model'

export default class Payment extends compose(UuidModel, withAudit()) {
  static table = 'payments'

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
}
