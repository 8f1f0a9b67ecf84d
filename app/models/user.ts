import { randomUUID } from 'node:crypto'
import { DateTime } from 'luxon'
import { BaseModel, beforeCreate, column } from '@adonisjs/lucid/orm'

export default class User extends BaseModel {
  static selfAssignPrimaryKey = true

  @column({ isPrimary: true })
  declare id: string

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

  @beforeCreate()
  static assignId(user: User) {
    user.id ??= randomUUID()
  }

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
