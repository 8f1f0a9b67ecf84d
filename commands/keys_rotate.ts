import { BaseCommand, flags } from '@adonisjs/core/ace'
import type { CommandOptions } from '@adonisjs/core/types/ace'

/*
| npm run ace -- keys:rotate [--dry-run]
|
| Rotating APP_KEY: put the new key in APP_KEY and the old one in
| APP_KEY_PREVIOUS (comma separated if several), restart, run this. Old keys
| keep working meanwhile; when it reports nothing left, drop APP_KEY_PREVIOUS.
*/
export default class KeysRotate extends BaseCommand {
  static commandName = 'keys:rotate'
  static description = 'Re-encrypt stored API keys under the current APP_KEY'

  static options: CommandOptions = { startApp: true }

  @flags.boolean({ description: 'Count what would be re-encrypted without writing' })
  declare dryRun: boolean

  async run() {
    const { default: KeyRotationService } = await import('#keys/services/key_rotation_service')
    const { default: ApiKeyVault } = await import('#keys/services/api_key_vault')
    const vault = await this.app.container.make(ApiKeyVault)
    const service = await this.app.container.make(KeyRotationService)

    const older = vault.knownVersions.length - 1
    this.logger.info(
      `Current key version ${vault.currentVersion} (APP_KEY); ${older} older key${older === 1 ? '' : 's'} accepted (APP_KEY_PREVIOUS)`
    )

    let report
    try {
      report = await service.rotate({ dryRun: this.dryRun })
    } catch (error) {
      if (/no such table/i.test((error as Error).message)) {
        this.logger.error(
          'The user_models table does not exist yet: run `npm run ace -- migration:run` first'
        )
        this.exitCode = 1
        return
      }
      throw error
    }

    const verb = report.dryRun ? 'Would re-encrypt' : 'Re-encrypted'
    this.logger.success(
      `${verb} ${report.rotated} of ${report.total} stored keys; ${report.alreadyCurrent} already on the current APP_KEY`
    )

    if (report.failed.length > 0) {
      for (const failure of report.failed) {
        const why = {
          key_unavailable: `sealed with key version ${failure.keyVersion}, which no configured APP_KEY/APP_KEY_PREVIOUS matches`,
          unreadable: 'does not decrypt (tampered with, or sealed for another row)',
          changed_concurrently: 'changed while rotating; run the command again',
        }[failure.reason]
        this.logger.error(`row ${failure.rowId} (${failure.provider ?? 'model'}): ${why}`)
      }
      this.logger.error(
        `${report.failed.length} key${report.failed.length === 1 ? '' : 's'} not re-encrypted. Keep APP_KEY_PREVIOUS until this command reports none left.`
      )
      this.exitCode = 1
      return
    }

    if (!report.dryRun) {
      this.logger.info(
        older > 0
          ? 'Every stored key is on the current APP_KEY: APP_KEY_PREVIOUS can be removed once sessions signed with it no longer matter.'
          : 'Every stored key is on the current APP_KEY.'
      )
    }
  }
}
