import { DateTime } from 'luxon'
import {
  afterCreate,
  afterDelete,
  afterUpdate,
  beforeDelete,
  beforeUpdate,
} from '@adonisjs/lucid/orm'
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
  /* Attribute or column names never written, beside the secret-looking ones. */
  redact?: string[]
}

type Snapshot = Record<string, unknown>

/* The stored row as an update/delete started; $original is refreshed before after:update runs. */
const storedBeforeChange = new WeakMap<LucidRow, Snapshot>()

/*
| Adds audit_logs rows on create, update and delete of a model:
|
|   export default class Payment extends compose(BaseModel, withAudit()) { ... }
|
| Data is keyed by database column name and taken from the stored row (one
| extra SELECT per write: an instance created in this process lacks the
| values the database filled in). Updates record only the columns that
| changed, old and new, not the auto-maintained updated_at. Secrets are
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
        const stored = (await storedAttributes(row)) ?? row.$attributes
        await writeAudit(row, 'create', null, snapshot(row, stored, options), options)
      }

      @beforeUpdate()
      static async rememberBeforeUpdate(row: LucidRow) {
        storedBeforeChange.set(row, (await storedAttributes(row)) ?? { ...row.$original })
      }

      @afterUpdate()
      static async auditUpdate(row: LucidRow) {
        const before = storedBeforeChange.get(row) ?? { ...row.$original }
        storedBeforeChange.delete(row)

        const Model = row.constructor as LucidModel
        const changed = Object.keys(row.$attributes).filter((attribute) => {
          const column = Model.$getColumn(attribute)
          if (!column || column.meta?.autoUpdate) return false
          return (
            comparable(row, attribute, before[attribute]) !==
            comparable(row, attribute, row.$attributes[attribute])
          )
        })
        if (changed.length === 0) return

        const pick = (source: Snapshot) =>
          Object.fromEntries(changed.map((attribute) => [attribute, source[attribute] ?? null]))
        await writeAudit(
          row,
          'update',
          snapshot(row, pick(before), options),
          snapshot(row, pick(row.$attributes), options),
          options
        )
      }

      @beforeDelete()
      static async rememberBeforeDelete(row: LucidRow) {
        storedBeforeChange.set(row, (await storedAttributes(row)) ?? { ...row.$original })
      }

      @afterDelete()
      static async auditDelete(row: LucidRow) {
        const before = storedBeforeChange.get(row) ?? { ...row.$original }
        storedBeforeChange.delete(row)
        await writeAudit(row, 'delete', snapshot(row, before, options), null, options)
      }
    }
    return Audited
  }
}

/* The row as stored, read through the change's transaction when it has one. */
async function storedAttributes(row: LucidRow): Promise<Snapshot | null> {
  const Model = row.constructor as LucidModel
  const id = row.$primaryKeyValue
  if (id === undefined || id === null) return null
  const query = row.$trx
    ? Model.query({ client: row.$trx })
    : Model.query({ connection: row.$options?.connection })
  const stored = await query.where(Model.primaryKey, id).first()
  return stored ? { ...stored.$attributes } : null
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
function snapshot(row: LucidRow, attributes: Snapshot, options: AuditOptions<any>): Snapshot {
  const Model = row.constructor as LucidModel
  const extra = options.redact ?? []
  const result: Snapshot = {}
  for (const [attribute, value] of Object.entries(attributes)) {
    const name = Model.$getColumn(attribute)?.columnName ?? attribute
    const secret =
      isSecretName(attribute) ||
      isSecretName(name) ||
      extra.includes(attribute) ||
      extra.includes(name)
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

/*
| Compared as the database stores them: a date read back has whole seconds
| while the instance that wrote it kept milliseconds.
*/
function comparable(row: LucidRow, attribute: string, value: unknown) {
  const column = (row.constructor as LucidModel).$getColumn(attribute)
  const prepared =
    column?.prepare && value !== null && value !== undefined
      ? column.prepare(value, attribute, row)
      : value
  return JSON.stringify(toJson(prepared) ?? null)
}
