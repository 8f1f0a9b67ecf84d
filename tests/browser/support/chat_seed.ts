import { randomUUID } from 'node:crypto'
import app from '@adonisjs/core/services/app'
import type { BrowserContext, Page } from 'playwright'
import User from '#models/user'
import { SyncService, type ServerEventInput } from '#sync/services/sync_service'

/*
| Chats written straight into a user's LiveStore log through the sync service
| (as the server writes answers), so browser tests can open a chat with exact
| content: markdown answers, branches, thousands of messages. The browser gets
| them through its ordinary sync pull.
*/

export const composer = (page: Page) => page.getByRole('textbox', { name: 'Message' })

/*
| The names at the root of the page's OPFS (LiveStore's store folders are
| `livestore-<storeId>@<version>`). A string expression: the server-side
| TypeScript project has no DOM types.
*/
export function opfsEntries(page: Page): Promise<string[]> {
  return page.evaluate<string[]>(`(async () => {
    const root = await navigator.storage.getDirectory()
    const names = []
    for await (const name of root.keys()) names.push(name)
    return names
  })()`)
}

/* Per page: settles once the tab's /live socket has been named by its hello frame. */
const liveNamed = new WeakMap<Page, Promise<void>>()

function watchLiveHello(page: Page) {
  const named = new Promise<void>((resolve) => {
    page.on('websocket', (socket) => {
      if (new URL(socket.url()).pathname !== '/live') return
      socket.on('framereceived', ({ payload }) => {
        if (String(payload).includes('"type":"hello"')) resolve()
      })
    })
  })
  liveNamed.set(page, named)
}

/**
 * Waits until the page's /live socket is open and named (a page from `signIn`). A reply sent
 * before that waits for it only briefly, then goes as a POST: tests that expect the socket path
 * wait for this first, so a slow machine does not turn them into the POST path.
 */
export async function liveSocketReady(page: Page) {
  const named = liveNamed.get(page)
  if (!named) throw new Error('liveSocketReady: the page was not opened by signIn')
  await named
}

/* Empties the clipboard, so a copy checked after it cannot pass on an earlier one. */
export async function clearClipboard(page: Page) {
  await page.evaluate("navigator.clipboard.writeText('')")
}

/**
 * The clipboard's text once it equals `expected`, or what it holds after 30 s. The copy buttons
 * write asynchronously, and their "copied" mark lasts only 1.5 s: the clipboard is what counts.
 */
export async function clipboardOnce(page: Page, expected: string) {
  const deadline = Date.now() + 30_000
  let text = ''
  while (Date.now() < deadline) {
    text = await page.evaluate<string>('navigator.clipboard.readText()')
    if (text === expected) break
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
  return text
}

/* Signs in through the development OpenID Connect provider, as a person would. */
export async function signIn(context: BrowserContext, email: string): Promise<Page> {
  const page = await context.newPage()
  /* Generous: test runs share a small machine, and Chromium boots LiveStore's workers slowly. */
  page.setDefaultTimeout(90_000)
  watchLiveHello(page)
  await page.goto('/sign-in')
  await page.waitForURL(/\/dev-sign-in\//)
  await page.getByLabel('Email').fill(email)
  await page.getByRole('button', { name: 'Continue' }).click()
  await page.waitForURL(/\/chat$/)
  await composer(page).waitFor()
  return page
}

export async function userIdFor(email: string) {
  const user = await User.findByOrFail('email', email.toLowerCase())
  return user.id
}

export interface SeedMessage {
  id?: string
  role: 'user' | 'assistant'
  text: string
  /** Parent id; undefined = the previous message of the list, null = a root. */
  parentId?: string | null
  status?: 'complete' | 'stopped' | 'error' | 'interrupted'
  error?: string
  /** What the answer used (assistant messages; none by default). */
  usage?: { inputTokens: number; outputTokens: number }
  costMicros?: number
}

/** Appends a chat and its messages; returns the chat id and the message ids in order. */
export async function seedChat(
  userId: string,
  messages: SeedMessage[],
  options: { title?: string; model?: string } = {}
) {
  const sync = await app.container.make(SyncService)
  const chatId = randomUUID()
  const model = options.model ?? 'dev/emulator'
  const start = Date.now() - messages.length * 10
  const ids: string[] = []
  const events: ServerEventInput[] = [
    {
      name: 'v1.ChatCreated',
      args: { id: chatId, title: options.title ?? 'Seeded chat', model, createdAt: start },
    },
  ]
  messages.forEach((message, index) => {
    const id = message.id ?? randomUUID()
    const parentId = message.parentId === undefined ? (ids.at(-1) ?? null) : message.parentId
    const createdAt = start + index * 10 + 1
    ids.push(id)
    if (message.role === 'user') {
      events.push({
        name: 'v1.UserMessageSent',
        args: { id, chatId, parentId, text: message.text, createdAt },
      })
      return
    }
    events.push(
      { name: 'v1.AssistantMessageStarted', args: { id, chatId, parentId, model, createdAt } },
      {
        name: 'v1.AssistantMessageFinished',
        args: {
          id,
          text: message.text,
          status: message.status ?? 'complete',
          finishReason: message.status === 'error' ? 'error' : 'stop',
          error: message.error ?? null,
          usage: message.usage ?? null,
          ...(message.costMicros === undefined ? {} : { costMicros: message.costMicros }),
          model,
        },
      }
    )
  })
  /* In slices: one sync write stays a bounded transaction. */
  for (let offset = 0; offset < events.length; offset += 500) {
    await sync.appendServerEvents(userId, events.slice(offset, offset + 500))
  }
  return { chatId, ids }
}

export async function appendServerEvents(userId: string, events: ServerEventInput[]) {
  const sync = await app.container.make(SyncService)
  await sync.appendServerEvents(userId, events)
}

/*
| Opens a seeded chat the way a person would: it arrives in the sidebar through
| the live sync pull, then a click. (Reloading the page right after the server
| appended events can hit a LiveStore 0.4.0 boot check, see /work/shared/notes.)
*/
export async function openSeededChat(page: Page, chatId: string) {
  const item = page.locator(`[data-testid="chat-list-item"][data-chat-id="${chatId}"]`)
  await item.getByRole('link').click()
  await page.waitForURL(`**/chat/${chatId}`)
}
