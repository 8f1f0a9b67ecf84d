import { randomUUID } from 'node:crypto'
import { test } from '@japa/runner'
import app from '@adonisjs/core/services/app'
import db from '@adonisjs/lucid/services/db'
import limiter from '@adonisjs/limiter/services/main'
import type { Page } from 'playwright'
import { EMULATOR_MODEL_ID } from '#config/models'
import { LiveSocketServer } from '#chat/services/live_socket_server'
import { SyncSocketServer } from '#sync/services/sync_socket_server'
import { watchCsp } from '#tests/browser/support/csp_watch'
import { composer, opfsEntries, signIn, userIdFor } from '#tests/browser/support/chat_seed'

/*
| The session's end as a chat page lives it: signing out closes every socket
| of the session (sync and live), and a session that ended on its own
| (expired cookie) shows "You've been signed out" instead of reconnecting
| forever, with the chats left on the device until the person signs in again.
*/

const waitForPhase = (page: Page, phase: string) =>
  page.locator(`[data-testid="sync-indicator"][data-phase="${phase}"]`).waitFor()

/*
| Polls a server-side condition (no browser involved) until it holds; gives up
| as late as the pages' own waits do, naming what it waited for.
*/
async function until(what: () => string, check: () => boolean | Promise<boolean>) {
  const deadline = Date.now() + 90_000
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`still waiting for: ${what()}`)
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
}

async function startChat(page: Page, text: string, modelId?: string) {
  if (modelId) {
    await page.getByTestId('model-picker').click()
    await page.locator(`[role="option"][data-model-id="${modelId}"]`).click()
  }
  await composer(page).fill(text)
  await composer(page).press('Enter')
  await page.waitForURL(/\/chat\/[0-9a-f-]{36}$/)
  await page.getByTestId('user-message').filter({ hasText: text }).waitFor()
  return new URL(page.url()).pathname.split('/').pop()!
}

test.group('Session end on a chat page', (group) => {
  group.each.setup(() => limiter.clear())

  test('signing out in one tab closes the sync and live sockets of every tab', async ({
    browserContext,
    cleanup,
  }) => {
    const csp = await watchCsp(browserContext)
    const live = await app.container.make(LiveSocketServer)
    const sync = await app.container.make(SyncSocketServer)
    const page = await signIn(browserContext, `sockets-${randomUUID()}@example.com`)

    /* A long answer streaming: this tab holds a /live socket. */
    await startChat(page, 'Keep talking [[tokens:2000]] [[tps:10]]', EMULATOR_MODEL_ID)
    await page.locator('[data-testid="assistant-message"][data-status="streaming"]').waitFor()
    await until(
      () => 'a /live socket',
      () => live.connectionCount > 0
    )
    const other = await browserContext.newPage()
    other.setDefaultTimeout(90_000)
    cleanup(() => other.close())
    await other.goto('/chat')
    await waitForPhase(other, 'saved')
    /* One sync socket for both tabs: the leader worker is shared between them. */
    await until(
      () => 'the sync socket',
      () => sync.connectionCount > 0
    )

    await other.getByRole('button', { name: /^Account menu for / }).click()
    await other.getByRole('menuitem', { name: 'Sign out' }).click()
    await other.waitForURL((url) => url.pathname === '/')
    await page.waitForURL((url) => url.pathname === '/')
    await until(
      () => `no socket left (live ${live.connectionCount}, sync ${sync.connectionCount})`,
      () => live.connectionCount === 0 && sync.connectionCount === 0
    )

    csp.assertNone()
  }).timeout(300_000)

  test('an expired session shows "signed out", keeps the chats, and signing in again syncs', async ({
    browserContext,
    assert,
  }) => {
    const csp = await watchCsp(browserContext)
    const email = `expired-${randomUUID()}@example.com`
    const page = await signIn(browserContext, email)
    const userId = await userIdFor(email)
    const chatId = await startChat(page, 'Written before the session ended')
    await waitForPhase(page, 'saved')

    /* The session cookie is gone (expired); then the sync socket drops, as on a server restart. */
    await browserContext.clearCookies()
    const sync = await app.container.make(SyncSocketServer)
    sync.disconnectUser(userId)

    /* Not "Reconnecting…" forever: the page learns the session is over and says so. */
    await waitForPhase(page, 'signed_out')
    const notice = page.getByTestId('signed-out-notice')
    await notice.getByText('You’ve been signed out.').waitFor()
    const signInAgain = notice.getByRole('link', { name: 'Sign in again' })
    assert.equal(
      await signInAgain.getAttribute('href'),
      `/sign-in?return_to=${encodeURIComponent(`/chat/${chatId}`)}`
    )

    /* The chats are still there, and writing still works on the device. */
    await page.getByTestId('user-message').filter({ hasText: 'Written before' }).waitFor()
    await composer(page).fill('Written while signed out')
    await composer(page).press('Enter')
    await page.getByTestId('user-message').filter({ hasText: 'Written while signed out' }).waitFor()
    await waitForPhase(page, 'signed_out')
    const userMessages = () =>
      db.from('messages').where('chat_id', chatId).where('role', 'user').orderBy('created_at')
    assert.lengthOf(await userMessages(), 1)

    /* Signing in again brings the person back to the chat, and what waited reaches the server. */
    await signInAgain.click()
    await page.waitForURL(/\/dev-sign-in\//)
    await page.getByLabel('Email').fill(email)
    await page.getByRole('button', { name: 'Continue' }).click()
    await page.waitForURL(`**/chat/${chatId}`)
    await page.getByTestId('user-message').filter({ hasText: 'Written while signed out' }).waitFor()
    await waitForPhase(page, 'saved')
    assert.equal(await page.getByTestId('signed-out-notice').count(), 0)
    const texts = await userMessages()
    assert.deepEqual(
      texts.map((row) => row.content),
      ['Written before the session ended', 'Written while signed out']
    )

    csp.assertNone()
  }).timeout(300_000)

  test('"Sign out" after the session expired wipes the device and lands on the landing page', async ({
    browserContext,
    assert,
  }) => {
    const email = `expired-sign-out-${randomUUID()}@example.com`
    const page = await signIn(browserContext, email)
    await startChat(page, 'Left on this device')
    await waitForPhase(page, 'saved')
    const storeDirectory = `livestore-user-${await userIdFor(email)}@`
    const before = await opfsEntries(page)
    assert.isTrue(before.some((name) => name.startsWith(storeDirectory)))

    await browserContext.clearCookies()
    const refused: number[] = []
    page.on('response', (response) => {
      if (new URL(response.url()).pathname === '/sign-out' && response.status() >= 400) {
        refused.push(response.status())
      }
    })

    /* The session has no CSRF secret any more: a POST would be refused with 403. */
    await page.getByRole('button', { name: /^Account menu for / }).click()
    await page.getByRole('menuitem', { name: 'Sign out' }).click()
    await page.waitForURL((url) => url.pathname === '/')
    assert.deepEqual(refused, [])
    const after = await opfsEntries(page)
    assert.isFalse(after.some((name) => name.startsWith('livestore-')))
  }).timeout(300_000)
})
