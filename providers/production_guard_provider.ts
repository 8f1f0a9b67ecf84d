import type { ApplicationService } from '@adonisjs/core/types'

/*
| Runs #start/production_guard while providers boot, before any of them
| starts (migrations, caches, the sync server, the HTTP server): a refused
| production boot leaves nothing running and the process exits non-zero
| with the guard's message.
*/
export default class ProductionGuardProvider {
  constructor(protected app: ApplicationService) {}

  async boot() {
    await import('#start/production_guard')
  }
}
