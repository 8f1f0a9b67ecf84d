import { DateTime } from 'luxon'
import { afterCreate, afterDelete, afterUpdate, beforeUpdate } from '@adonisjs/lucid/orm'
import type { BaseModel } from '@adonisjs/lucid/orm'
import type { LucidRow, LucidModel } from '@adonisjs/lucid/types/model'
import type { NormalizeConstructor } from '@adonisjs/core/types/helpers'
import AuditLog, { type AuditAction } from '#models/audit_log'
import { isSecretName, REDACTED, redactSecrets } from '#audit/redact'

export interface AuditOptions<Row extends LucidRow = LucidRow> {
  /* Stored in audit_logs.model_name; defaults to the class name. */
  modelName?: string
  /*
  | The user the row belongs to, stored in audit_logs.user_id. Defaults to the
  | row's userId attribute. Return null when that user no longer exists (a user
  | auditing its own deletion), since audit_logs.user_id is a foreign key.
  */
  ownerId?: (row: Row, action: AuditAction) => string | null | undefined
  /* Attribute names whose values are never written, beside the secret-looking ones. */
  redact?: string[]
}

type Snapshot = Record<string, unknown>

/* Values as they were when an update started; $original is refreshed before after:update runs. */
const originalsBeforeUpdate = new WeakMap<LucidRow, Snapshot>()

/*
| Adds audit_logs rows on create, update and delete of a model:
|
|   export default class User extends compose(BaseModel, withAudit()) { ... }
|
| Data is keyed by database column name. Updates record only the columns that
| changed (old and new values), not the auto-maintained updated_at. Secrets are
| replaced by "[redacted]". When the change runs in a transaction ($trx), the
| audit row is written in it, so both commit or roll back together.
|
| Only changes made through model instances are seen: query-builder
| updates/deletes (Model.query().update()) and database cascades skip hooks.
*/
export function withAudit<Row extends LucidRow = LucidRow>(options: AuditOptions<Row> = {}) {
  return <Model extends NormalizeConstructor<typeof BaseModel>>(superclass: Model) => {
    class Audited extends superclass {
      @afterCreate()
      static async auditCreate(row: LucidRow) {
        await writeAudit(
          row,
          'create',
          null,
          snapshot(row, row.$attributes, options.redact),
          options
        )
      }

      @beforeUpdate()
      static rememberOriginals(row: LucidRow) {
        originalsBeforeUpdate.set(row, { ...row.$original })
      }

      @afterUpdate()
      static async auditUpdate(row: LucidRow) {
        const before = originalsBeforeUpdate.get(row) ?? {}
        originalsBeforeUpdate.delete(row)

        const Model = row.constructor as LucidModel
        const changed: string[] = []
        for (const [attribute, value] of Object.entries(row.$attributes)) {
          const column = Model.$getColumn(attribute)
          if (!column || column.meta?.autoUpdate) continue
          if (comparable(before[attribute]) !== comparable(value)) changed.push(attribute)
        }
        if (changed.length === 0) return

        const pick = (source: Snapshot) =>
          Object.fromEntries(changed.map((attribute) => [attribute, source[attribute] ?? null]))
        await writeAudit(
          row,
          'update',
          snapshot(row, pick(before), options.redact),
          snapshot(row, pick(row.$attributes), options.redact),
          options
        )
      }

      @afterDelete()
      static async auditDelete(row: LucidRow) {
        await writeAudit(row, 'delete', snapshot(row, row.$original, options.redact), null, options)
      }
    }
    return Audited
  }
}

async function writeAudit<Row extends LucidRow>(
  row: LucidRow,
  action: AuditAction,
  oldData: Snapshot | null,
  newData: Snapshot | null,
  options: AuditOptions<Row>
) {
  const Model = row.constructor as LucidModel
  const ownerId = options.ownerId
    ? options.ownerId(row as Row, action)
    : ((row as unknown as { userId?: string | null }).userId ?? null)
  const id = row.$primaryKeyValue

  await AuditLog.create(
    {
      userId: ownerId ?? null,
      action,
      modelName: options.modelName ?? Model.name,
      modelId: id === undefined || id === null ? null : String(id),
      oldData,
      newData,
    },
    { client: row.$trx }
  )
}

/* Attribute values -> plain JSON keyed by column name, secrets replaced. */
function snapshot(row: LucidRow, attributes: Snapshot, extraSecrets: string[] = []): Snapshot {
  const Model = row.constructor as LucidModel
  const result: Snapshot = {}
  for (const [attribute, value] of Object.entries(attributes)) {
    const column = Model.$getColumn(attribute)
    const name = column?.columnName ?? attribute
    const secret =
      isSecretName(attribute) ||
      isSecretName(name) ||
      extraSecrets.includes(attribute) ||
      extraSecrets.includes(name)
    result[name] = secret ? REDACTED : redactSecrets(toJson(value))
  }
  return result
}

function toJson(value: unknown): unknown {
  if (value === undefined) return null
  if (DateTime.isDateTime(value)) return value.toISO()
  if (value instanceof Date) return value.toISOString()
  return value
}

function comparable(value: unknown) {
  return JSON.stringify(toJson(value) ?? null)
}
