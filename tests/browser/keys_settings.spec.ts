import { randomBytes, randomUUID } from 'node:crypto'
import { test } from '@japa/runner'
import limiter from '@adonisjs/limiter/services/main'
import app from '@adonisjs/core/services/app'
import { watchCsp } from '#tests/browser/support/csp_watch'
import { startEmulatorForApp } from '#tests/support/llm'

/*
| The API keys settings page in Chromium: add a bad key (refused, message
| shown), a good one (masked), see the model picker unlock, delete it. Keys
| are checked against the LLM emulator on a loopback port.
*/
test.group('Settings: API keys', (group) => {
  group.setup(async () => {
    const started = await startEmulatorForApp({ platformKeys: { openrouter: 'sk-or-platform' } })
    return started.stop
  })
  group.each.setup(() => limiter.clear())

  test('add, see masked, use in the picker, delete', async ({ visit, browserContext, assert }) => {
    const csp = await watchCsp(browserContext)
    const page = await visit('/sign-in?return_to=%2Fsettings%2Fkeys')
    page.setDefaultTimeout(90_000)
    await page.waitForURL(/\/dev-sign-in\//)
    await page.getByLabel('Email').fill(`keys-${randomUUID()}@example.com`)
    await page.getByRole('button', { name: 'Continue' }).click()
    await page.waitForURL(/\/settings\/keys$/)
    await page.assertTextContains('h1', 'API keys')

    const openrouter = page.getByTestId('provider-openrouter')
    await openrouter.getByText('No key').waitFor()

    // A key the provider refuses: the reason shows, nothing is saved.
    await openrouter.getByLabel('OpenRouter API key').fill(`bad-${randomBytes(10).toString('hex')}`)
    await openrouter.getByRole('button', { name: 'Save' }).click()
    await openrouter
      .getByRole('alert')
      .getByText('OpenRouter rejected this key (HTTP 401). Nothing was saved.')
      .waitFor()
    await openrouter.getByText('No key').waitFor()

    // The picker: Sonnet is locked (needs a plan or a key), with the reason.
    await page.getByTestId('model-picker').click()
    await page.getByLabel('Search models').fill('sonnet 4.5')
    const sonnet = page.locator('[data-model-id="anthropic/claude-sonnet-4.5"]')
    await sonnet.getByTestId('lock-reason').waitFor()
    assert.equal(await sonnet.getAttribute('aria-disabled'), 'true')
    await page.keyboard.press('Escape')

    // A good key: saved, shown by its last 4 characters only.
    const key = `sk-or-v1-${randomBytes(16).toString('hex')}`
    await openrouter.getByLabel('OpenRouter API key').fill(key)
    await openrouter.getByRole('button', { name: 'Save' }).click()
    await openrouter.getByRole('status').getByText('Key saved.').waitFor()
    await openrouter
      .getByTestId('masked-key')
      .getByText(`••••${key.slice(-4)}`)
      .waitFor()
    assert.notInclude(await page.content(), key)
    await page.screenshot({ path: app.makePath('tmp', 'keys_settings.png'), fullPage: true })

    // Now Sonnet runs on the user's key: no lock, selectable.
    await page.getByTestId('model-picker').click()
    await page.getByLabel('Search models').fill('sonnet 4.5')
    await sonnet.waitFor()
    assert.equal(await sonnet.getAttribute('aria-disabled'), 'false')
    await page.screenshot({ path: app.makePath('tmp', 'model_picker.png') })
    await page.keyboard.press('Enter')
    await page.getByTestId('model-picker').getByText('Claude Sonnet 4.5').waitFor()

    // Delete it.
    await openrouter.getByRole('button', { name: 'Delete OpenRouter key' }).click()
    await openrouter.getByText('No key').waitFor()
    await openrouter.getByRole('status').getByText('Key deleted.').waitFor()

    csp.assertNone()
  })
})
