import { randomUUID } from 'node:crypto'
import { BaseModel, beforeCreate, column } from '@adonisjs/lucid/orm'

/*
| Every table keys its rows by a UUID the app assigns (never an autoincrement,
| so ids can be made anywhere, including in the browser for synced rows).
| Lucid models inherit columns and hooks from this base.
*/
export class UuidModel extends BaseModel {
  static selfAssignPrimaryKey = true

  @column({ isPrimary: true })
  declare id: string

  @beforeCreate()
  static assignUuid(row: UuidModel) {
    row.id ??= randomUUID()
  }
}
