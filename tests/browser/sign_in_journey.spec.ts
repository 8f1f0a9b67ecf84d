import { randomUUID } from 'node:crypto'
import { test } from '@japa/runner'
import limiter from '@adonisjs/limiter/services/main'
import { watchCsp } from '#tests/browser/support/csp_watch'

test.group('Sign-in journey', (group) => {
  /* Sign-in is rate limited per address; earlier suites in this run may have used the allowance. */
  group.each.setup(() => limiter.clear())

  test('a new visitor signs in with the development provider, reaches the app shell and signs out', async ({
    visit,
    browserContext,
    assert,
  }) => {
    const csp = await watchCsp(browserContext)
    const email = `visitor-${randomUUID()}@example.com`

    const page = await visit('/')
    page.setDefaultTimeout(90_000)
    await page.assertTextContains('h1', 'Every model')
    await page.assertVisible(page.getByText('Bring your own keys', { exact: false }).first())

    await page.getByRole('link', { name: 'Sign in' }).first().click()
    await page.waitForURL(/\/dev-sign-in\//)
    await page.getByLabel('Email').fill(email)
    await page.getByLabel(/Display name/).fill('Ada Lovelace')
    await page.getByRole('button', { name: 'Continue' }).click()

    await page.waitForURL(/\/chat$/)
    await page.assertText('[data-testid="account-name"]', 'Ada Lovelace')
    /* The chat list comes from the local store, which boots its workers first. */
    await page.getByText('No chats yet').waitFor()
    await page.assertVisible(page.getByRole('link', { name: 'New chat' }).first())

    const menu = page.getByRole('button', { name: 'Account menu for Ada Lovelace' })
    await menu.click()
    await page.assertVisible(page.getByRole('menu').getByText(email))
    await page.getByRole('menuitem', { name: 'Sign out' }).click()

    await page.waitForURL((url) => url.pathname === '/')
    await page.assertVisible(page.getByRole('link', { name: 'Sign in' }).first())

    /* Signed out for real: the app sends the visitor back to sign-in. */
    const response = await page.goto('/chat')
    assert.match(new URL(response!.url()).pathname, /^\/(sign-in|dev-sign-in|oidc)/)

    csp.assertNone()
  })

  test('a signed-in visitor sees "Open app" on the landing page and can collapse the sidebar', async ({
    visit,
    browserContext,
    assert,
  }) => {
    const csp = await watchCsp(browserContext)

    const page = await visit('/sign-in')
    page.setDefaultTimeout(90_000)
    await page.waitForURL(/\/dev-sign-in\//)
    await page.getByLabel('Email').fill(`returning-${randomUUID()}@example.com`)
    await page.getByRole('button', { name: 'Continue' }).click()
    await page.waitForURL(/\/chat$/)

    const sidebar = page.locator('[data-slot="sidebar"]')
    assert.equal(await sidebar.getAttribute('data-state'), 'expanded')
    await page.keyboard.press('Control+b')
    await page
      .locator('[data-slot="sidebar"][data-state="collapsed"]')
      .waitFor({ state: 'attached' })
    await page.getByRole('button', { name: 'Toggle sidebar', exact: true }).click()
    await page
      .locator('[data-slot="sidebar"][data-state="expanded"]')
      .waitFor({ state: 'attached' })

    await page.goto('/')
    await page.assertVisible(page.getByRole('link', { name: 'Open app' }).first())
    await page.assertNotExists(page.getByRole('link', { name: 'Sign in' }))

    csp.assertNone()
  })
})
