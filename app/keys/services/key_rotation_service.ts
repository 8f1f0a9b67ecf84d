import { inject } from '@adonisjs/core'
import db from '@adonisjs/lucid/services/db'
import UserModel from '#models/user_model'
import ApiKeyVault from '#keys/services/api_key_vault'

export interface RotationFailure {
  rowId: string
  provider: string | null
  keyVersion: number
  reason: 'key_unavailable' | 'unreadable' | 'changed_concurrently'
}

export interface RotationReport {
  currentVersion: number
  total: number
  alreadyCurrent: number
  rotated: number
  failed: RotationFailure[]
  dryRun: boolean
}

/*
| Re-encrypts every stored key still sealed by an older APP_KEY under the
| current one. Safe to stop and run again: each row is re-read and re-sealed
| in its own transaction (so the audit row commits with it), and a row is
| only touched while it still carries the old version, so a key the user
| replaced meanwhile is never overwritten with the old one. Until it
| finishes, rows on either version decrypt (APP_KEY_PREVIOUS).
*/
@inject()
export default class KeyRotationService {
  constructor(protected vault: ApiKeyVault) {}

  async pending(): Promise<number> {
    const result = await db
      .from('user_models')
      .whereNot('key_version', this.vault.currentVersion)
      .count('* as total')
    return Number(result[0].total)
  }

  async rotate(options: { dryRun?: boolean } = {}): Promise<RotationReport> {
    const report: RotationReport = {
      currentVersion: this.vault.currentVersion,
      total: 0,
      alreadyCurrent: 0,
      rotated: 0,
      failed: [],
      dryRun: !!options.dryRun,
    }
    const rows = await db.from('user_models').select('id', 'key_version')
    report.total = rows.length

    for (const { id, key_version: version } of rows as Array<{ id: string; key_version: number }>) {
      if (version === this.vault.currentVersion) {
        report.alreadyCurrent++
        continue
      }
      const outcome = await this.#rotateRow(id, Number(version), !!options.dryRun)
      if (outcome === 'rotated') report.rotated++
      else if (outcome === 'current') report.alreadyCurrent++
      else report.failed.push(outcome)
    }
    return report
  }

  async #rotateRow(
    id: string,
    version: number,
    dryRun: boolean
  ): Promise<'rotated' | 'current' | RotationFailure> {
    const failure = (reason: RotationFailure['reason'], provider: string | null) => ({
      rowId: id,
      provider,
      keyVersion: version,
      reason,
    })
    return db.transaction(async (trx) => {
      const row = await UserModel.query({ client: trx }).where('id', id).first()
      if (!row || row.keyVersion === this.vault.currentVersion) return 'current' as const
      if (row.keyVersion !== version) return failure('changed_concurrently', row.provider)
      if (!this.vault.canOpen(row.keyVersion)) return failure('key_unavailable', row.provider)

      // Key rows are sealed for (user, provider); per-model rows for (user, model).
      const scope = row.provider ?? row.modelId ?? ''
      let resealed
      try {
        resealed = this.vault.reseal(
          { ciphertext: row.apiKey, keyVersion: row.keyVersion },
          row.userId,
          scope
        )
      } catch {
        return failure('unreadable', row.provider)
      }
      if (!resealed) return 'current' as const
      if (dryRun) return 'rotated' as const

      row.useTransaction(trx)
      row.apiKey = resealed.ciphertext
      row.keyVersion = resealed.keyVersion
      await row.save()
      return 'rotated' as const
    })
  }
}
