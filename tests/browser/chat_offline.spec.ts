import { randomUUID } from 'node:crypto'
import { test } from '@japa/runner'
import limiter from '@adonisjs/limiter/services/main'
import type { Page } from 'playwright'
import { composer, signIn } from '#tests/browser/support/chat_seed'

/*
| The offline shell (public/sw.js): once a chat page has been opened online,
| it reloads with no network at all, from the service worker's copies and the
| chats in OPFS, moves between chats, and queues what is written until the
| network is back. Signing out deletes the page copies.
*/

const waitForPhase = (page: Page, phase: string) =>
  page.locator(`[data-testid="sync-indicator"][data-phase="${phase}"]`).waitFor()

async function startChat(page: Page, text: string) {
  await page.goto('/chat')
  await composer(page).fill(text)
  await composer(page).press('Enter')
  await page.waitForURL(/\/chat\/[0-9a-f-]{36}$/)
  await page.getByTestId('user-message').filter({ hasText: text }).waitFor()
  return new URL(page.url()).pathname.split('/').pop()!
}

/* String expressions: the server-side TypeScript project has no DOM types. */

/*
| The worker stores what a load fetched in the background: wait until every
| script and style this page loaded from the app has its copy.
*/
async function waitForCodeCopies(page: Page) {
  const missing = () =>
    page.evaluate<string[]>(`(async () => {
      const cache = await caches.open('chat-code-v2')
      const wanted = performance.getEntriesByType('resource')
        .filter((entry) => entry.name.startsWith(location.origin))
        .filter((entry) => ['script', 'link', 'css'].includes(entry.initiatorType))
        .map((entry) => entry.name)
      // A stylesheet's copy is kept under its own key (public/sw.js codeKey).
      const styleKey = (url) => {
        const key = new URL(url)
        key.searchParams.set('sw-copy', 'style')
        return key.href
      }
      const missing = []
      for (const url of wanted) {
        if (!(await cache.match(url)) && !(await cache.match(styleKey(url)))) missing.push(url)
      }
      return missing
    })()`)
  const deadline = Date.now() + 60_000
  let left = await missing()
  while (left.length > 0) {
    if (Date.now() > deadline) throw new Error(`no offline copy of ${left.slice(0, 5).join(', ')}`)
    await new Promise((resolve) => setTimeout(resolve, 200))
    left = await missing()
  }
}

const cacheNames = (page: Page) => page.evaluate<string[]>('caches.keys()')
const pageCopies = (page: Page) =>
  page.evaluate<string[]>(`(async () => {
    const cache = await caches.open('chat-pages-v1')
    return (await cache.keys()).map((request) => new URL(request.url).pathname)
  })()`)

test.group('Chats offline', (group) => {
  group.each.setup(() => limiter.clear())

  test('a chat page reloads, moves between chats and writes with no network', async ({
    browserContext,
    assert,
  }) => {
    const email = `offline-shell-${randomUUID()}@example.com`
    const page = await signIn(browserContext, email)
    /* A module answered offline with another file's copy (e.g. CSS for a script) stops the app. */
    const moduleErrors: string[] = []
    page.on('console', (message) => {
      if (message.type() === 'error' && /module script/i.test(message.text())) {
        moduleErrors.push(message.text())
      }
    })
    const first = await startChat(page, 'Kept on this device')
    await waitForPhase(page, 'saved')
    const second = await startChat(page, 'Another chat, opened online once')
    await waitForPhase(page, 'saved')

    /* The worker takes over; one more load online goes through it and leaves its copies. */
    await page.evaluate('navigator.serviceWorker.ready.then(() => true)')
    await page.reload()
    await page.getByTestId('user-message').filter({ hasText: 'Another chat' }).waitFor()
    await waitForPhase(page, 'saved')
    assert.isTrue(await page.evaluate<boolean>('Boolean(navigator.serviceWorker.controller)'))
    await waitForCodeCopies(page)

    await browserContext.setOffline(true)
    const reloaded = await page.reload()
    assert.isTrue(reloaded?.fromServiceWorker(), 'the page came from the offline shell')
    await page.getByTestId('user-message').filter({ hasText: 'Another chat' }).waitFor()
    await waitForPhase(page, 'offline')
    assert.deepEqual(moduleErrors, [])

    /* The sidebar moves to the other chat (an Inertia visit answered by the worker). */
    await page
      .locator(`[data-testid="chat-list-item"][data-chat-id="${first}"]`)
      .getByRole('link')
      .click()
    await page.waitForURL(`**/chat/${first}`)
    await page.getByTestId('user-message').filter({ hasText: 'Kept on this device' }).waitFor()

    /*
    | A new chat started offline: its URL was never loaded, and a reload there
    | is answered from another chat page's copy with this chat's id put in.
    */
    const third = await startChat(page, 'Started on the train')
    await page.reload()
    assert.equal(new URL(page.url()).pathname, `/chat/${third}`)
    await page.getByTestId('user-message').filter({ hasText: 'Started on the train' }).waitFor()

    /* Written offline, it waits on the device and reaches the server once the network is back. */
    await page.goto(`/chat/${second}`)
    await page.getByTestId('user-message').filter({ hasText: 'Another chat' }).waitFor()
    await composer(page).fill('Written on the train')
    await composer(page).press('Enter')
    await page.getByTestId('user-message').filter({ hasText: 'Written on the train' }).waitFor()
    await waitForPhase(page, 'offline')
    await browserContext.setOffline(false)
    await waitForPhase(page, 'saved')

    /* Signing out deletes the copies of the pages (they show the user's name). */
    assert.isNotEmpty(await pageCopies(page))
    await page.getByRole('button', { name: /^Account menu for / }).click()
    await page.getByRole('menuitem', { name: 'Sign out' }).click()
    await page.waitForURL((url) => url.pathname === '/')
    assert.notInclude(await cacheNames(page), 'chat-pages-v1')
  }).timeout(300_000)
})
