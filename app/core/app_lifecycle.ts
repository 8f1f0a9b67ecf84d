import type { ApplicationService } from '@adonisjs/core/types'

/*
| Side effects at start (migrations, seeding, recovering interrupted answers)
| belong only to a process that will serve requests or run tests. An app
| booted in "warmup" mode (codegen, build inspection) must skip them, or the
| open database pools keep that process alive forever.
*/
export function servesRequests(app: ApplicationService) {
  const environment = app.getEnvironment()
  return app.getMode() === 'run' && (environment === 'web' || environment === 'test')
}
