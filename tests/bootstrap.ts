import { assert } from '@japa/assert'
import { apiClient } from '@japa/api-client'
import { chromium } from 'playwright-core'
import { spec } from '@japa/runner/reporters'
import app from '@adonisjs/core/services/app'
import type { Config } from '@japa/runner/types'
import { pluginAdonisJS } from '@japa/plugin-adonisjs'
import testUtils from '@adonisjs/core/services/test_utils'
import { browserClient } from '@japa/browser-client'
import { sessionApiClient } from '@adonisjs/session/plugins/api_client'
import { authApiClient } from '@adonisjs/auth/plugins/api_client'
import { sessionBrowserClient } from '@adonisjs/session/plugins/browser_client'
import { authBrowserClient } from '@adonisjs/auth/plugins/browser_client'
import { chromiumLaunchOptions } from '#tests/support/chromium'

/* Browser tests drive Debian's Chromium package; nothing is downloaded. */

export const plugins: Config['plugins'] = [
  assert(),
  apiClient(),
  pluginAdonisJS(app),
  sessionApiClient(app),
  authApiClient(app),
  browserClient({
    runInSuites: ['browser'],
    /*
    | page.assert* retries for 5 s by default; a page component loaded lazily
    | from Vite on a busy two-core machine can take longer than that.
    */
    assertions: { timeout: 30_000 },
    launcher: (config) =>
      chromium.launch({
        ...config,
        ...chromiumLaunchOptions,
      }) as any,
  }),
  sessionBrowserClient(app),
  authBrowserClient(app),
]

/*
| Besides the spec output, one plain "N passed, N failed" line as the very
| last thing printed, which CI tooling reads as the run's verdict.
*/
export const reporters: Config['reporters'] = {
  activated: ['spec', 'closing-line'],
  list: [
    spec(),
    {
      name: 'closing-line',
      handler: (runner) => {
        process.once('exit', () => {
          const { passed, failed, skipped } = runner.getSummary().aggregates
          const tail = skipped ? `, ${skipped} skipped` : ''
          process.stdout.write(`${passed} passed, ${failed} failed${tail}\n`)
        })
      },
    },
  ],
}

export const runnerHooks: Required<Pick<Config, 'setup' | 'teardown'>> = {
  setup: [],
  teardown: [],
}

export const configureSuite: Config['configureSuite'] = (suite) => {
  if (['browser', 'functional'].includes(suite.name)) {
    return suite.setup(() => testUtils.httpServer().start())
  }
}
