import { randomUUID } from 'node:crypto'
import { test } from '@japa/runner'
import limiter from '@adonisjs/limiter/services/main'
import db from '@adonisjs/lucid/services/db'
import type { Page } from 'playwright'
import { watchCsp } from '#tests/browser/support/csp_watch'
import { composer, signIn } from '#tests/browser/support/chat_seed'

/* The sidebar's chat management, driven with mouse and keyboard like a person would. */

async function startChat(page: Page, text: string): Promise<string> {
  await composer(page).fill(text)
  await composer(page).press('Enter')
  await page.waitForURL(/\/chat\/[0-9a-f-]{36}$/)
  await page.getByTestId('user-message').filter({ hasText: text }).waitFor()
  return new URL(page.url()).pathname.split('/').pop()!
}

const item = (page: Page, chatId: string) =>
  page.locator(`[data-testid="chat-list-item"][data-chat-id="${chatId}"]`)

async function listedIds(page: Page) {
  const ids: (string | null)[] = []
  for (const row of await page.getByTestId('chat-list-item').all()) {
    ids.push(await row.getAttribute('data-chat-id'))
  }
  return ids
}

async function openActions(page: Page, chatId: string) {
  await item(page, chatId).hover()
  await item(page, chatId)
    .getByRole('button', { name: /^Actions for / })
    .click()
}

test.group('Chat list', (group) => {
  group.each.setup(() => limiter.clear())

  test('new chat shortcut, rename, pin and delete with undo', async ({
    browserContext,
    assert,
  }) => {
    const csp = await watchCsp(browserContext)
    const page = await signIn(browserContext, `list-${randomUUID()}@example.com`)

    const first = await startChat(page, 'First chat')
    /* Ctrl+Shift+O opens a new, empty chat with the composer focused. */
    await page.keyboard.press('Control+Shift+O')
    await page.waitForURL(/\/chat$/)
    await page.waitForFunction(`document.activeElement?.getAttribute('aria-label') === 'Message'`)
    const second = await startChat(page, 'Second chat')

    /* Newest first. */
    await item(page, second).waitFor()
    assert.deepEqual(await listedIds(page), [second, first])

    /* Pinned chats come first. */
    await openActions(page, first)
    await page.getByRole('menuitem', { name: 'Pin' }).click()
    await page
      .locator(`[data-testid="chat-list-item"][data-chat-id="${first}"][data-pinned]`)
      .waitFor()
    assert.deepEqual(await listedIds(page), [first, second])

    /* Inline rename: Enter saves, and the header follows. */
    await openActions(page, second)
    await page.getByRole('menuitem', { name: 'Rename' }).click()
    const title = page.getByRole('textbox', { name: 'Chat title' })
    await title.fill('Trip ideas')
    await title.press('Enter')
    await item(page, second).getByText('Trip ideas').waitFor()
    await page.getByTestId('chat-title').filter({ hasText: 'Trip ideas' }).waitFor()

    /* Escape cancels a rename started with F2. */
    await item(page, second).getByRole('link').focus()
    await page.keyboard.press('F2')
    await page.getByRole('textbox', { name: 'Chat title' }).fill('Never mind')
    await page.keyboard.press('Escape')
    await item(page, second).getByText('Trip ideas').waitFor()

    /* Delete the open chat: it leaves the list and the page; Undo brings both back. */
    await openActions(page, second)
    await page.getByRole('menuitem', { name: 'Delete' }).click()
    await page.waitForURL(/\/chat$/)
    await item(page, second).waitFor({ state: 'detached' })
    await page.getByRole('button', { name: 'Undo' }).click()
    await item(page, second).getByText('Trip ideas').waitFor()
    await page.waitForURL(`**/chat/${second}`)

    /* The server's copy followed every step. */
    await page.locator('[data-testid="sync-indicator"][data-phase="saved"]').waitFor()
    const rows = await db.from('chats').whereIn('id', [first, second])
    const byId = new Map(rows.map((row) => [row.id, row]))
    assert.equal(byId.get(second)?.title, 'Trip ideas')
    assert.isNull(byId.get(second)?.deleted_at)
    assert.isTrue(Boolean(byId.get(first)?.pinned))

    csp.assertNone()
  })

  test('an unknown chat id says so, and a malformed one is a 404', async ({
    browserContext,
    assert,
  }) => {
    const page = await signIn(browserContext, `unknown-${randomUUID()}@example.com`)
    await page.goto(`/chat/${randomUUID()}`)
    await page.getByText('This chat isn’t on this device yet').waitFor()
    const response = await page.goto('/chat/not-a-chat-id')
    assert.equal(response?.status(), 404)
  })
})
