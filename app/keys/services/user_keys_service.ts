import { inject } from '@adonisjs/core'
import db from '@adonisjs/lucid/services/db'
import logger from '@adonisjs/core/services/logger'
import UserModel from '#models/user_model'
import { mainSqlite } from '#core/main_sqlite'
import ApiKeyVault, { keyHint, type SealedKey } from '#keys/services/api_key_vault'
import KeyCheckService from '#keys/services/key_check_service'
import { BYOK_PROVIDERS, PROVIDER_LABELS, type ByokProvider } from '#catalog/catalog_types'

/* What anyone outside this module ever sees of a saved key. */
export interface SavedKeySummary {
  provider: ByokProvider
  label: string
  /* "••••abcd": the last 4 characters only. */
  masked: string
  createdAt: string
  updatedAt: string
}

/*
| A user's provider keys: one `user_models` key row per (user, provider)
| (see migration 0040). Every query is scoped by userId, so no call can
| reach another user's key. Writes go through the Lucid model so the audit
| trail records them (api_key redacted there).
*/
@inject()
export default class UserKeysService {
  constructor(
    protected vault: ApiKeyVault,
    protected checker: KeyCheckService
  ) {}

  protected rows(userId: string) {
    return UserModel.query().where('user_id', userId).whereNotNull('provider')
  }

  async list(userId: string): Promise<SavedKeySummary[]> {
    const rows = await this.rows(userId).where('is_active', true)
    const order = (provider: string | null) => BYOK_PROVIDERS.indexOf(provider as ByokProvider)
    return rows
      .filter((row) => order(row.provider) >= 0)
      .sort((a, b) => order(a.provider) - order(b.provider))
      .map((row) => summarize(row))
  }

  /* Providers the user has an active key for (no decryption). */
  async providers(userId: string): Promise<Set<string>> {
    const rows = await this.rows(userId).where('is_active', true).select('provider')
    return new Set(rows.map((row) => row.provider!).filter(Boolean))
  }

  /*
  | Checks the key with the provider, then stores it sealed, replacing any
  | key the user had for that provider. Throws KeyRejectedException (422) or
  | KeyCheckUnavailableException (502) without storing anything.
  */
  async save(
    userId: string,
    provider: ByokProvider,
    apiKey: string
  ): Promise<{ key: SavedKeySummary; replaced: boolean }> {
    try {
      await this.checker.verify(provider, apiKey)
    } catch (error) {
      // Who and which provider, never the key (nor the provider's answer, which may echo it).
      logger.info({ userId, provider, code: (error as { code?: string }).code }, 'api key refused')
      throw error
    }
    const sealed = this.vault.seal(apiKey, userId, provider)

    const result = await db.transaction(async (trx) => {
      const existing = await UserModel.query({ client: trx })
        .where('user_id', userId)
        .where('provider', provider)
        .first()
      const row = existing ?? new UserModel()
      row.useTransaction(trx)
      row.merge({
        userId,
        provider,
        modelId: null,
        apiKey: sealed.ciphertext,
        keyVersion: sealed.keyVersion,
        keyHint: keyHint(apiKey),
        isActive: true,
      })
      await row.save()
      return { key: summarize(row), replaced: !!existing }
    })
    logger.info(
      { userId, provider, keyVersion: sealed.keyVersion, replaced: result.replaced },
      'api key saved'
    )
    return result
  }

  /* True when a key was deleted; false when the user had none for that provider. */
  async delete(userId: string, provider: ByokProvider): Promise<boolean> {
    const row = await this.rows(userId).where('provider', provider).first()
    if (!row) return false
    await row.delete()
    logger.info({ userId, provider }, 'api key deleted')
    return true
  }

  /*
  | The sealed key for a call; only KeyResolver opens it. Read on every reply,
  | through a prepared statement (the unique (user_id, provider) index).
  */
  async sealed(userId: string, provider: string): Promise<SealedKey | null> {
    const row = await mainSqlite.get<{ api_key: string; key_version: number }>(SEALED_KEY, [
      userId,
      provider,
    ])
    return row ? { ciphertext: row.api_key, keyVersion: Number(row.key_version) } : null
  }
}

const SEALED_KEY = `SELECT api_key, key_version FROM user_models
  WHERE user_id = ? AND provider = ? AND is_active = 1 LIMIT 1`

function summarize(row: UserModel): SavedKeySummary {
  const provider = row.provider as ByokProvider
  return {
    provider,
    label: PROVIDER_LABELS[provider],
    masked: `••••${row.keyHint ?? ''}`,
    createdAt: row.createdAt.toISO()!,
    updatedAt: row.updatedAt.toISO()!,
  }
}
