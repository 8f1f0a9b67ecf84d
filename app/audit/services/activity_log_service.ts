import { inject } from '@adonisjs/core'
import type { TransactionClientContract } from '@adonisjs/lucid/types/database'
import ActivityLog from '#models/activity_log'

export interface RecordActivityOptions {
  /* Null or missing for system events not tied to a user. */
  userId?: string | null
  details?: Record<string, unknown>
  /* Write inside the caller's transaction, so the log commits or rolls back with the change. */
  client?: TransactionClientContract
}

/*
| The one way modules write activity_logs rows. Event names are dotted,
| "<area>.<what happened>" in the past tense: 'user.signed_up',
| 'user.signed_in', 'user.signed_out', 'sync.store_denied'.
*/
@inject()
export default class ActivityLogService {
  async record(eventName: string, options: RecordActivityOptions = {}): Promise<ActivityLog> {
    const name = eventName.trim()
    if (!name) throw new Error('ActivityLogService.record: eventName is required')

    const log = new ActivityLog()
    if (options.client) log.useTransaction(options.client)
    log.eventName = name
    log.userId = options.userId ?? null
    log.details = options.details ?? null
    await log.save()
    return log
  }
}
