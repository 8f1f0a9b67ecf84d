import { randomUUID } from 'node:crypto'
import app from '@adonisjs/core/services/app'
import db from '@adonisjs/lucid/services/db'
import { WebSocket } from 'ws'
import env from '#start/env'
import User from '#models/user'
import { signIn } from '#tests/helpers/sign_in'
import type { BrowserSession } from '#tests/helpers/browser_session'
import { jsonRequest } from '#tests/support/llm'
import { SyncService } from '#sync/services/sync_service'
import GenerationSettings from '#chat/services/generation_settings'
import { storeIdForUser } from '#shared/livestore/schema'

/*
| Helpers for the generation tests: signed-in users (real sign-in over
| HTTP), chats and user messages written through the sync service as a
| device's push would land them, reply/stop requests over HTTP, and a /live
| WebSocket client that records every frame.
*/

const appUrl = () => env.get('APP_URL').replace(/\/+$/, '')

let counter = 0

export interface ChatUser {
  id: string
  session: BrowserSession
}

export async function chatUser(prefix = 'gen'): Promise<ChatUser> {
  const email = `${prefix}-${Date.now()}-${process.pid}-${counter++}@example.com`
  const signedIn = await signIn(email)
  const user = await User.findByOrFail('email', signedIn.email)
  return { id: user.id, session: signedIn.session }
}

async function sync() {
  return app.container.make(SyncService)
}

/* The chat's creation, as the UI commits it (title = its first message). */
export async function createChat(
  user: ChatUser,
  options: { model: string; title?: string; systemPrompt?: string; temperature?: number }
) {
  const chatId = randomUUID()
  const service = await sync()
  await service.appendServerEvents(user.id, [
    {
      name: 'v1.ChatCreated',
      args: { id: chatId, title: options.title ?? '', model: options.model, createdAt: Date.now() },
    },
  ])
  if (options.systemPrompt !== undefined || options.temperature !== undefined) {
    await service.appendServerEvents(user.id, [
      {
        name: 'v1.ChatSettingsSet',
        args: {
          id: chatId,
          systemPrompt: options.systemPrompt ?? null,
          temperature: options.temperature ?? null,
        },
      },
    ])
  }
  return chatId
}

export async function sendUserMessage(
  user: ChatUser,
  chatId: string,
  parentId: string | null,
  text: string
) {
  const id = randomUUID()
  const service = await sync()
  await service.appendServerEvents(user.id, [
    { name: 'v1.UserMessageSent', args: { id, chatId, parentId, text, createdAt: Date.now() } },
  ])
  return id
}

export function reply(
  user: ChatUser,
  chatId: string,
  messageId: string,
  body: Record<string, unknown>
) {
  return jsonRequest(user.session, 'POST', `/api/chats/${chatId}/messages/${messageId}/reply`, body)
}

export function stop(user: ChatUser, chatId: string, assistantMessageId: string) {
  return jsonRequest(
    user.session,
    'POST',
    `/api/chats/${chatId}/messages/${assistantMessageId}/stop`
  )
}

export interface MessageRow {
  id: string
  chat_id: string
  parent_message_id: string | null
  role: string
  content: string
  status: string
  model: string | null
  finish_reason: string | null
  error: string | null
  usage: string | null
  cost_micros: number | null
}

export async function messageRow(id: string): Promise<MessageRow | null> {
  return (await db.from('messages').where('id', id).first()) ?? null
}

/* Waits (polling the table) until the answer has a final status. */
export async function finalMessage(id: string, timeoutMs = 15_000): Promise<MessageRow> {
  const until = Date.now() + timeoutMs
  for (;;) {
    const row = await messageRow(id)
    if (row && row.status !== 'streaming') return row
    if (Date.now() > until) {
      throw new Error(`answer ${id} still ${row?.status ?? 'missing'} after ${timeoutMs} ms`)
    }
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
}

export async function waitUntil(check: () => Promise<boolean> | boolean, timeoutMs = 15_000) {
  const until = Date.now() + timeoutMs
  while (!(await check())) {
    if (Date.now() > until) throw new Error('condition not met in time')
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
}

/* The store's events (names and args) after `afterSeq`, optionally about one id / of one name. */
export async function syncEvents(
  userId: string,
  afterSeq = 0,
  argsId: string | null = null,
  name: string | null = null
) {
  const rows = await db
    .from('sync_events')
    .where('store_id', storeIdForUser(userId))
    .where('seq_num', '>', afterSeq)
    .orderBy('seq_num')
    .select('seq_num', 'name', 'args', 'client_id')
  return rows
    .map((row) => ({
      seq: Number(row.seq_num),
      name: String(row.name),
      args: JSON.parse(row.args),
      clientId: String(row.client_id),
    }))
    .filter(
      (event) =>
        (argsId === null || event.args.id === argsId) && (name === null || event.name === name)
    )
}

export interface LiveClient {
  socket: WebSocket
  frames: any[]
  /* WebSocket messages as received: a batched socket's carry arrays of frames. */
  messages: any[]
  send: (frame: unknown) => void
  /* Resolves with the first recorded frame matching `predicate` (past or future). */
  next: (predicate: (frame: any) => boolean, timeoutMs?: number) => Promise<any>
  close: () => void
}

export function liveUrl() {
  return `${appUrl().replace(/^http/, 'ws')}/live`
}

/* A /live socket; `batch` opens it as the browser does (`?batch=1`: a message may be an array of frames). */
export async function openLive(
  user: ChatUser,
  headers: Record<string, string> = {},
  options: { batch?: boolean } = {}
): Promise<LiveClient> {
  // The server the user's session talks to: the test server, or an app process a test started.
  const base = user.session.baseUrl
  const url = `${base.replace(/^http/, 'ws')}/live`
  const socket = new WebSocket(options.batch ? `${url}?batch=1` : url, {
    headers: { ...user.session.headers('/live'), origin: new URL(base).origin, ...headers },
  })
  const frames: any[] = []
  const messages: any[] = []
  const waiters = new Set<{ predicate: (frame: any) => boolean; resolve: (frame: any) => void }>()
  socket.on('message', (data) => {
    const message = JSON.parse(data.toString())
    messages.push(message)
    for (const frame of Array.isArray(message) ? message : [message]) {
      frames.push(frame)
      for (const waiter of waiters) {
        if (waiter.predicate(frame)) {
          waiters.delete(waiter)
          waiter.resolve(frame)
        }
      }
    }
  })
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve())
    socket.once('error', reject)
    socket.once('unexpected-response', (_req, res) =>
      reject(new Error(`live upgrade answered ${res.statusCode}`))
    )
  })
  return {
    socket,
    frames,
    messages,
    send: (frame) => socket.send(typeof frame === 'string' ? frame : JSON.stringify(frame)),
    next: (predicate, timeoutMs = 15_000) => {
      const found = frames.find(predicate)
      if (found) return Promise.resolve(found)
      return new Promise((resolve, reject) => {
        const waiter = {
          predicate,
          resolve: (frame: any) => {
            clearTimeout(timer)
            resolve(frame)
          },
        }
        const timer = setTimeout(() => {
          waiters.delete(waiter)
          reject(new Error(`no matching live frame; got ${JSON.stringify(frames).slice(0, 500)}`))
        }, timeoutMs)
        waiters.add(waiter)
      })
    },
    close: () => socket.terminate(),
  }
}

/* Sends a reply frame on the socket; resolves with the answer to it (replied or reply_error). */
export function replyFrame(live: LiveClient, frame: Record<string, unknown>) {
  const seen = live.frames.length
  live.send({ type: 'reply', ...frame })
  return live.next(
    (candidate) =>
      live.frames.indexOf(candidate) >= seen &&
      (candidate.type === 'replied' || candidate.type === 'reply_error') &&
      candidate.assistantMessageId === frame.assistantMessageId
  )
}

/* The text a tab shows from the live frames of one answer: snapshots replace, tokens append. */
export function liveText(frames: any[], messageId: string) {
  let text = ''
  let seq = 0
  const gaps: string[] = []
  for (const frame of frames) {
    if (frame.messageId !== messageId) continue
    if (frame.type === 'snapshot') {
      text = frame.text
      seq = frame.seq
    } else if (frame.type === 'token') {
      if (frame.seq !== seq + 1) gaps.push(`${seq} -> ${frame.seq}`)
      text += frame.text
      seq = frame.seq
    }
  }
  return { text, seq, gaps }
}

export async function replyStatus(...args: Parameters<typeof reply>) {
  const response = await reply(...args)
  return response.status
}

export async function stopStatus(...args: Parameters<typeof stop>) {
  const response = await stop(...args)
  return response.status
}

export async function finalStatus(id: string) {
  const row = await finalMessage(id)
  return row.status
}

export async function messageField<K extends keyof MessageRow>(id: string, field: K) {
  const row = await messageRow(id)
  if (!row) throw new Error(`message ${id} missing`)
  return row[field]
}

/* Fast checkpoints, and stall and title limits a busy CI machine cannot trip by accident. */
export const testGenerationSettings = () => new GenerationSettings(5_000, 60_000, 100, 5_000)

/* The settings swapped in, innermost last (a group's, then a test's own). */
const settingsInUse: GenerationSettings[] = []

/**
 * Runs answers with `settings` until the returned function is called, which puts back the
 * settings in use before (the group's, or the app's own). For group setups and test cleanups.
 */
export function useGenerationSettings(settings: GenerationSettings = testGenerationSettings()) {
  settingsInUse.push(settings)
  app.container.swap(GenerationSettings, () => settings)
  return () => {
    const index = settingsInUse.lastIndexOf(settings)
    if (index === -1) return
    settingsInUse.splice(index, 1)
    const previous = settingsInUse.at(-1)
    if (previous) app.container.swap(GenerationSettings, () => previous)
    else app.container.restore(GenerationSettings)
  }
}
