import { randomUUID } from 'node:crypto'
import type { IncomingMessage } from 'node:http'
import type { Duplex } from 'node:stream'
import { test } from '@japa/runner'
import app from '@adonisjs/core/services/app'
import limiter from '@adonisjs/limiter/services/main'
import db from '@adonisjs/lucid/services/db'
import type { Browser, BrowserContext, Page } from 'playwright'
import User from '#models/user'
import { events } from '#shared/livestore/schema'
import { SyncService, type ServerEventInput } from '#sync/services/sync_service'
import { SyncSocketServer } from '#sync/services/sync_socket_server'
import { watchCsp } from '#tests/browser/support/csp_watch'
import { composer, opfsEntries, signIn } from '#tests/browser/support/chat_seed'

/*
| Local-first chats in a real Chromium against the real sync server: two browser contexts
| signed in as one user are two devices, each with its own OPFS store and leader worker.
*/

type Phase = 'connecting' | 'saving' | 'saved' | 'offline' | 'reconnecting'

function baseURL() {
  return `http://${process.env.HOST}:${process.env.PORT}`
}

async function newDevice(browser: Browser): Promise<BrowserContext> {
  return browser.newContext({ baseURL: baseURL() })
}

async function send(page: Page, text: string) {
  await composer(page).fill(text)
  await composer(page).press('Enter')
  await page.getByTestId('user-message').filter({ hasText: text }).waitFor()
}

/* Starts a chat from /chat and returns its id (from the URL it moves to). */
async function startChat(page: Page, text: string): Promise<string> {
  await send(page, text)
  await page.waitForURL(/\/chat\/[0-9a-f-]{36}$/)
  return new URL(page.url()).pathname.split('/').pop()!
}

const chatItem = (page: Page, chatId: string) =>
  page.locator(`[data-testid="chat-list-item"][data-chat-id="${chatId}"]`)

/* The `count`th answer of the open chat has finished. */
async function answered(page: Page, count: number) {
  await page
    .locator('[data-testid="assistant-message"][data-status="complete"]')
    .nth(count - 1)
    .waitFor()
}

async function waitForPhase(page: Page, phase: Phase) {
  await page.locator(`[data-testid="sync-indicator"][data-phase="${phase}"]`).waitFor()
}

/* A string expression: the server-side TypeScript project has no DOM types. */
function livestoreStorageKeys(page: Page): Promise<string[]> {
  return page.evaluate<string[]>(
    `[...Object.keys(localStorage), ...Object.keys(sessionStorage)].filter((key) => key.startsWith('livestore:'))`
  )
}

async function userIdFor(email: string) {
  const user = await User.findByOrFail('email', email.toLowerCase())
  return user.id
}

/*
| Takes the sync endpoint off the network and puts it back: while blocked, every WebSocket
| upgrade is cut, and open sync sockets are closed. Browsers see a server they cannot reach.
*/
async function syncEndpointSwitch() {
  const server = await app.container.make('server')
  const nodeServer = server.getNodeServer()!
  const sockets = await app.container.make(SyncSocketServer)
  let saved: ((...args: any[]) => void)[] | null = null
  const cut = (_req: IncomingMessage, socket: Duplex) => socket.destroy()
  return {
    block() {
      if (saved) return
      saved = nodeServer.listeners('upgrade') as any
      nodeServer.removeAllListeners('upgrade')
      nodeServer.on('upgrade', cut)
      sockets.close()
    },
    unblock() {
      if (!saved) return
      nodeServer.removeListener('upgrade', cut)
      for (const listener of saved) nodeServer.on('upgrade', listener)
      saved = null
    },
  }
}

test.group('Chats sync between devices', (group) => {
  group.each.setup(() => limiter.clear())

  test('two devices of one user see each other’s new chats and messages', async ({
    browser,
    browserContext,
    assert,
    cleanup,
  }) => {
    const csp = await watchCsp(browserContext)
    const email = `devices-${randomUUID()}@example.com`
    const laptop = await signIn(browserContext, email)
    const phoneContext = await newDevice(browser)
    cleanup(() => phoneContext.close())
    const phone = await signIn(phoneContext, email)

    const chatId = await startChat(laptop, 'Plan a weekend in Lisbon')
    await chatItem(laptop, chatId).waitFor()
    await waitForPhase(laptop, 'saved')

    /* The phone's sidebar gets the chat live, without a reload. */
    await chatItem(phone, chatId).getByText('Plan a weekend in Lisbon').waitFor()
    await chatItem(phone, chatId).getByRole('link').click()
    await phone.waitForURL(`**/chat/${chatId}`)
    await phone
      .getByTestId('user-message')
      .filter({ hasText: 'Plan a weekend in Lisbon' })
      .waitFor()
    /* A new chat starts on a model this user can run (here the development emulator): the answer reaches the phone too. */
    await answered(phone, 1)

    await send(phone, 'Add a day trip to Sintra')
    await waitForPhase(phone, 'saved')
    await laptop
      .getByTestId('user-message')
      .filter({ hasText: 'Add a day trip to Sintra' })
      .waitFor()
    await answered(laptop, 2)

    /* Everything sits on one path: the phone's message continues the laptop's exchange. */
    const texts = await laptop.getByTestId('user-message').allTextContents()
    assert.deepEqual(texts, ['Plan a weekend in Lisbon', 'Add a day trip to Sintra'])

    /* "Saved" meant it: the server's backup tables have both questions and both answers. */
    await waitForPhase(laptop, 'saved')
    const rows = await db.from('messages').where('chat_id', chatId).orderBy('created_at')
    assert.deepEqual(
      rows.map((row) => [row.role, row.status]),
      [
        ['user', 'complete'],
        ['assistant', 'complete'],
        ['user', 'complete'],
        ['assistant', 'complete'],
      ]
    )
    assert.isNull(rows[0].parent_message_id)
    for (let index = 1; index < rows.length; index++) {
      assert.equal(rows[index].parent_message_id, rows[index - 1].id)
    }

    csp.assertNone()
  })

  test('writing offline queues on the device and syncs on reconnect', async ({
    browser,
    browserContext,
    assert,
    cleanup,
  }) => {
    const email = `offline-${randomUUID()}@example.com`
    const laptop = await signIn(browserContext, email)
    const phoneContext = await newDevice(browser)
    cleanup(() => phoneContext.close())
    const phone = await signIn(phoneContext, email)
    await waitForPhase(laptop, 'saved')

    await browserContext.setOffline(true)
    await waitForPhase(laptop, 'offline')
    await laptop.getByText('Offline — changes saved on this device').waitFor()

    const chatId = await startChat(laptop, 'Written on the train')
    await send(laptop, 'Still no signal')
    await chatItem(laptop, chatId).waitFor()
    await waitForPhase(laptop, 'offline')
    assert.equal(await chatItem(phone, chatId).count(), 0)

    await browserContext.setOffline(false)
    await waitForPhase(laptop, 'saved')

    await chatItem(phone, chatId).getByRole('link').click()
    await phone.getByTestId('user-message').filter({ hasText: 'Still no signal' }).waitFor()
    assert.deepEqual(await phone.getByTestId('user-message').allTextContents(), [
      'Written on the train',
      'Still no signal',
    ])
  })

  test('a reload shows the chats from the device before the sync socket connects', async ({
    browserContext,
    cleanup,
  }) => {
    const endpoint = await syncEndpointSwitch()
    cleanup(() => endpoint.unblock())

    const page = await signIn(browserContext, `reload-${randomUUID()}@example.com`)
    const chatId = await startChat(page, 'Kept on this device')
    /* Its answer too: one cut off by the blocked socket would keep the composer busy. */
    await answered(page, 1)
    await waitForPhase(page, 'saved')

    /* The open page notices the server went away. */
    endpoint.block()
    await waitForPhase(page, 'reconnecting')
    await page.getByText('Reconnecting…').waitFor()

    await page.reload()
    await chatItem(page, chatId).getByText('Kept on this device').waitFor()
    await page.getByTestId('user-message').filter({ hasText: 'Kept on this device' }).waitFor()
    /* The page never reached the server: everything above came from OPFS. */
    await page.locator('[data-testid="sync-indicator"][data-phase="connecting"]').waitFor()

    /* Writing still works, and reaches the server once it is back. */
    await send(page, 'Written while the server was away')
    endpoint.unblock()
    await waitForPhase(page, 'saved')
  })

  test('a new device pulls a long history before it opens, showing its progress', async ({
    browser,
    browserContext,
    assert,
    cleanup,
  }) => {
    const email = `history-${randomUUID()}@example.com`
    await signIn(browserContext, email)
    const userId = await userIdFor(email)

    /* 250 chats of 10 events: 2,500 events, three catch-up pages. */
    const sync = await app.container.make(SyncService)
    const chatIds: string[] = []
    const history: ServerEventInput[] = []
    for (let chat = 0; chat < 250; chat++) {
      const chatId = randomUUID()
      chatIds.push(chatId)
      history.push(
        events.chatCreated({ id: chatId, title: `Old chat ${chat}`, model: 'm', createdAt: chat })
      )
      let parentId: string | null = null
      for (let message = 0; message < 9; message++) {
        const id = randomUUID()
        const text = `Message ${message}`
        history.push(events.userMessageSent({ id, chatId, parentId, text, createdAt: chat }))
        parentId = id
      }
    }
    for (let index = 0; index < history.length; index += 100) {
      await sync.appendServerEvents(userId, history.slice(index, index + 100))
    }

    /* Another browser of the same user: it has nothing of this store yet. */
    const tabletContext = await newDevice(browser)
    cleanup(() => tabletContext.close())
    await tabletContext.addInitScript(`
      window.__initialSync = []
      new BroadcastChannel('chat:initial-sync').onmessage = (event) => {
        window.__initialSync.push(event.data)
      }
    `)
    const csp = await watchCsp(tabletContext)
    const tablet = await signIn(tabletContext, email)
    await chatItem(tablet, chatIds.at(-1)!).getByText('Old chat 249').waitFor()

    /* Its leader was started as a new device's and reported every page up to the end. */
    const reports =
      await tablet.evaluate<
        { storeId: string; received: number; total: number | null; caughtUp: boolean }[]
      >('window.__initialSync')
    assert.isAtLeast(reports.length, 3)
    assert.isTrue(reports.every((report) => report.storeId === `user-${userId}`))
    const last = reports.at(-1)!
    assert.isTrue(last.caughtUp)
    assert.equal(last.received, history.length)
    assert.equal(last.total, history.length)
    const received = reports.map((report) => report.received)
    assert.deepEqual(
      received,
      [...received].sort((a, b) => a - b)
    )

    csp.assertNone()
  })

  test('signing out deletes the chats stored on the device', async ({
    browserContext,
    assert,
    cleanup,
  }) => {
    const endpoint = await syncEndpointSwitch()
    cleanup(() => endpoint.unblock())

    const email = `signout-${randomUUID()}@example.com`
    const page = await signIn(browserContext, email)
    const chatId = await startChat(page, 'Private thoughts')
    await waitForPhase(page, 'saved')
    const storeDirectory = `livestore-user-${await userIdFor(email)}@`
    const before = await opfsEntries(page)
    assert.isTrue(before.some((name) => name.startsWith(storeDirectory)))

    await page.getByRole('button', { name: /^Account menu for / }).click()
    await page.getByRole('menuitem', { name: 'Sign out' }).click()
    await page.waitForURL((url) => url.pathname === '/')

    const after = await opfsEntries(page)
    assert.deepEqual(
      after.filter((name) => name.startsWith('livestore-')),
      []
    )
    assert.deepEqual(await livestoreStorageKeys(page), [])

    /* Back on this browser with the server out of reach: nothing is left to show. */
    endpoint.block()
    const again = await signIn(browserContext, email)
    again.on('console', (m) => console.log('[again]', m.type(), m.text().slice(0, 300)))
    await again.getByText('No chats yet').waitFor()
    assert.equal(await chatItem(again, chatId).count(), 0)

    /* The server still has it: it comes back once the device can sync. */
    endpoint.unblock()
    await chatItem(again, chatId).getByText('Private thoughts').waitFor()

    /* Another account on the same browser never sees it. */
    await again.getByRole('button', { name: /^Account menu for / }).click()
    await again.getByRole('menuitem', { name: 'Sign out' }).click()
    await again.waitForURL((url) => url.pathname === '/')
    const other = await signIn(browserContext, `someone-else-${randomUUID()}@example.com`)
    await other.getByText('No chats yet').waitFor()
    assert.equal(await chatItem(other, chatId).count(), 0)
    const otherEntries = await opfsEntries(other)
    assert.isFalse(otherEntries.some((name) => name.startsWith(storeDirectory)))
  })
})
