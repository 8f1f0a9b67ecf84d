/*
| Token-latency text of running answers, from the /live WebSocket
| (app/chat/services/live_socket_server.ts). One socket per tab, opened on
| the first subscription and closed a while after the last one; after a
| drop it reconnects and resubscribes from the last seq it applied, so the
| server replays only what was missed (or a snapshot of the whole text).
|
| Frames (server -> tab):
|   { type: 'snapshot', messageId, seq, text }   the whole text up to seq
|   { type: 'token', messageId, seq, text }      one delta, seq = previous + 1
|   { type: 'done', messageId, status, error }   final; LiveStore brings the stored row too
|   { type: 'error', code, message, messageId? } e.g. not_found (not running, or not yours)
|   { type: 'replied', assistantMessageId, data }   the answer to a reply frame (the 202's body)
|   { type: 'reply_error', assistantMessageId, status, code, message }   its refusal (the 4xx)
| Frames (tab -> server): { type: 'subscribe', messageId, fromSeq } / { type: 'unsubscribe', messageId }
|   { type: 'reply', chatId, messageId, assistantMessageId, model?, regenerate? }
| The socket is opened with ?batch=1: a message may hold several frames as a
| JSON array (the frames of one server tick, in order).
|
| Subscribe on reply: the socket is also opened with ?hello=1, and its first
| frame { type: 'hello', socketId } names it. A chat view keeps the socket
| open (useLiveChannel), and asking for an answer (watchReply) sends that id
| with the reply request: the server attaches this socket to the new answer
| before the model's first token, so no subscribe round trip comes between
| the request and the first token. The tab holds the answer from then on
| (its frames are kept before its row reaches this device through sync);
| when the server could not attach (no id yet, the socket reopened since),
| the tab subscribes as before. Other tabs and reloads subscribe as before.
|
| Reply on the socket: with the socket open and named, the reply itself is
| sent on it (`sendReply`), the same reply as POST .../reply without an HTTP
| request's cost before the model call; its answer or refusal comes back on
| the socket. A socket that closes before answering hands the reply to POST,
| which is idempotent on the answer id.
|
| Mounting (chat UI): for an assistant row with status 'streaming',
|   const text = useLiveText(row.id, row.text, row.status === 'streaming')
| shows the live text while it is ahead of the stored text, the stored text otherwise
| (checkpoints and the final text arrive through LiveStore).
*/
import { useEffect, useSyncExternalStore } from 'react'
import { registerStoreCloser } from '~/livestore/local_data'
import { checkSession, sessionState } from '~/hooks/use_session_watch'

export type LiveStatus = 'complete' | 'stopped' | 'error' | 'interrupted'

export interface LiveAnswer {
  /* Null until the first snapshot or token. */
  text: string | null
  seq: number
  status: LiveStatus | null
  error: string | null
}

const EMPTY: LiveAnswer = { text: null, seq: 0, status: null, error: null }
const IDLE_CLOSE_MS = 30_000
/* The server's close code for a socket whose session signed out (as on /livestore-sync). */
const SIGNED_OUT_CLOSE = 4401
const NOT_FOUND_RETRIES = 5
/* How long a reply's own hold lasts at most (the thread's own hold takes over once it shows the row). */
const REPLY_HOLD_MS = 120_000
/* How long a reply waits for an opening socket's hello before it is POSTed instead. */
const NAME_WAIT_MS = 2_000
/* A reply frame unanswered this long goes to POST instead (idempotent: never two answers). */
const REPLY_FRAME_TIMEOUT_MS = 10_000

interface Entry {
  state: LiveAnswer
  /* Mounted components interested in it. */
  holders: number
  listeners: Set<() => void>
  notFound: number
  /* Ends the hold a reply request took (see watchReply), once the answer is done. */
  releaseReplyHold: (() => void) | null
}

/* A reply frame's fields (see the validator in app/chat/validators/chat_validators.ts). */
export interface ReplyFrame {
  chatId: string
  messageId: string
  assistantMessageId: string
  model?: string
  regenerate?: boolean
}

/* The socket's answer to a reply frame: the 202's data, or the refusal's fields and status. */
export type SocketReply =
  | { ok: true; data: { status?: string; created?: boolean; liveAttached?: boolean } }
  | { ok: false; status: number; code: string | null; message: string; retryAfterMs: number | null }

/* A reply's hold on its answer; see LiveConnection.watchReply. */
export interface ReplyWatch {
  /* The socket to name in the reply request (null: none open yet; the tab subscribes instead). */
  socketId: string | null
  /*
  | Sends the reply on that socket; resolves with its answer, or null when the
  | socket closed (or stayed silent) first: then POST. Null with no socket.
  */
  send: ((frame: ReplyFrame) => Promise<SocketReply | null>) | null
  /* The 202: subscribes when the server did not attach the socket. */
  accepted(liveAttached: boolean): void
  /* The request failed: the hold ends. */
  failed(): void
}

/* No socket to name: nothing held, and the thread subscribes once the answer's row shows. */
const NO_REPLY_WATCH: ReplyWatch = {
  socketId: null,
  send: null,
  accepted: () => {},
  failed: () => {},
}

class LiveConnection {
  #socket: WebSocket | null = null
  #entries = new Map<string, Entry>()
  #backoff = 500
  #reconnectTimer: ReturnType<typeof setTimeout> | null = null
  #idleTimer: ReturnType<typeof setTimeout> | null = null
  /* Signed out (here, in another tab, or by the server): no socket any more. */
  #shutDown = false
  /* The open socket's id from its hello frame (null before it, and once it closed). */
  #socketId: string | null = null
  /* Chat views keeping the socket open for their replies (useLiveChannel). */
  #keepers = 0
  /* Reply frames waiting for their answer, by answer id (settled with null if the socket closes). */
  #pendingReplies = new Map<string, (outcome: SocketReply | null) => void>()
  /* Replies waiting for the opening socket's hello (see watchReply). */
  #nameWaiters = new Set<(socketId: string | null) => void>()

  snapshot(messageId: string): LiveAnswer {
    return this.#entries.get(messageId)?.state ?? EMPTY
  }

  listen(messageId: string, listener: () => void) {
    const entry = this.#entry(messageId)
    entry.listeners.add(listener)
    return () => {
      entry.listeners.delete(listener)
      if (entry.listeners.size === 0 && entry.holders === 0) this.#entries.delete(messageId)
    }
  }

  hold(messageId: string) {
    const entry = this.#entry(messageId)
    entry.holders++
    this.#cancelIdleClose()
    if (entry.holders === 1 && entry.state.status === null) this.#subscribe(messageId, entry)
    this.#ensureSocket()
    return () => this.#release(messageId, entry)
  }

  /*
  | Before a reply request for `messageId`: with an open, named socket, the
  | answer is held without a subscribe (the server attaches the socket when
  | the request names it) until it is done; without one, nothing is held
  | and the thread subscribes once the answer's row shows, as before.
  */
  watchReply(messageId: string): ReplyWatch {
    this.#ensureSocket()
    const socketId = this.#socketId
    if (socketId) return this.#namedWatch(messageId, socketId)
    if (!this.#socket) return NO_REPLY_WATCH
    /*
    | The socket is still opening (a message sent right after the page
    | loaded): the reply waits for its name a little, then goes on it; a
    | socket that does not open in time leaves the reply to POST.
    */
    let watch = NO_REPLY_WATCH
    return {
      socketId: null,
      send: async (frame) => {
        const named = await this.#named(NAME_WAIT_MS)
        if (!named) return null
        watch = this.#namedWatch(messageId, named)
        return watch.send!(frame)
      },
      accepted: (liveAttached) => watch.accepted(liveAttached),
      failed: () => watch.failed(),
    }
  }

  /* The socket's id once its hello frame came (null: it closed, or not within `ms`). */
  #named(ms: number): Promise<string | null> {
    if (this.#socketId) return Promise.resolve(this.#socketId)
    if (!this.#socket) return Promise.resolve(null)
    return new Promise((resolve) => {
      const done = (id: string | null) => {
        clearTimeout(timer)
        this.#nameWaiters.delete(done)
        resolve(id)
      }
      const timer = setTimeout(() => done(null), ms)
      this.#nameWaiters.add(done)
    })
  }

  #namedWatch(messageId: string, socketId: string): ReplyWatch {
    const entry = this.#entry(messageId)
    entry.holders++
    this.#cancelIdleClose()
    let held = true
    const release = () => {
      if (!held) return
      held = false
      clearTimeout(timer)
      if (entry.releaseReplyHold === release) entry.releaseReplyHold = null
      this.#release(messageId, entry)
    }
    const timer = setTimeout(release, REPLY_HOLD_MS)
    entry.releaseReplyHold = release
    return {
      socketId,
      send: (frame) => this.#sendReply(frame),
      accepted: (liveAttached) => {
        if (held && !liveAttached && entry.state.status === null) this.#subscribe(messageId, entry)
      },
      failed: release,
    }
  }

  #sendReply(frame: ReplyFrame): Promise<SocketReply | null> {
    const socket = this.#socket
    /*
    | Offline, the request fails as a fetch does (the message waits on the
    | device, no answer is started): a socket the browser has not closed yet
    | would otherwise take the reply and keep retrying until sync is back.
    */
    if (!socket || socket.readyState !== WebSocket.OPEN || !navigator.onLine) {
      return Promise.resolve(null)
    }
    const id = frame.assistantMessageId
    this.#pendingReplies.get(id)?.(null)
    return new Promise((resolve) => {
      const settle = (outcome: SocketReply | null) => {
        clearTimeout(timer)
        if (this.#pendingReplies.get(id) === settle) this.#pendingReplies.delete(id)
        resolve(outcome)
      }
      const timer = setTimeout(() => settle(null), REPLY_FRAME_TIMEOUT_MS)
      this.#pendingReplies.set(id, settle)
      socket.send(JSON.stringify({ type: 'reply', ...frame }))
    })
  }

  /* The socket is gone: replies it never answered go to POST. */
  #dropPendingReplies() {
    const pending = [...this.#pendingReplies.values()]
    this.#pendingReplies.clear()
    for (const settle of pending) settle(null)
    for (const waiter of [...this.#nameWaiters]) waiter(null)
  }

  /* A chat view is open: the socket stays open (and named) for the replies it asks for. */
  keepOpen() {
    this.#keepers++
    this.#cancelIdleClose()
    this.#ensureSocket()
    return () => {
      this.#keepers--
      this.#closeWhenIdle()
    }
  }

  #release(messageId: string, entry: Entry) {
    entry.holders--
    if (entry.holders > 0) return
    this.#send({ type: 'unsubscribe', messageId })
    // Kept while listeners remain (a remount soon after reuses the text).
    if (entry.listeners.size === 0 && this.#entries.get(messageId) === entry) {
      this.#entries.delete(messageId)
    }
    this.#closeWhenIdle()
  }

  #cancelIdleClose() {
    if (this.#idleTimer) clearTimeout(this.#idleTimer)
    this.#idleTimer = null
  }

  #closeWhenIdle() {
    if (this.#keepers > 0 || [...this.#entries.values()].some((e) => e.holders > 0)) return
    this.#cancelIdleClose()
    this.#idleTimer = setTimeout(() => this.#close(), IDLE_CLOSE_MS)
  }

  #entry(messageId: string) {
    let entry = this.#entries.get(messageId)
    if (!entry) {
      entry = {
        state: EMPTY,
        holders: 0,
        listeners: new Set(),
        notFound: 0,
        releaseReplyHold: null,
      }
      this.#entries.set(messageId, entry)
    }
    return entry
  }

  #set(entry: Entry, state: LiveAnswer) {
    entry.state = state
    for (const listener of entry.listeners) listener()
  }

  #subscribe(messageId: string, entry: Entry) {
    this.#send({ type: 'subscribe', messageId, fromSeq: entry.state.seq })
  }

  #send(frame: unknown) {
    if (this.#socket?.readyState === WebSocket.OPEN) this.#socket.send(JSON.stringify(frame))
  }

  #ensureSocket() {
    if (this.#socket || this.#reconnectTimer || typeof window === 'undefined') return
    if (this.#shutDown || sessionState() === 'signed_out') return
    const scheme = window.location.protocol === 'https:' ? 'wss' : 'ws'
    const socket = new WebSocket(`${scheme}://${window.location.host}/live?batch=1&hello=1`)
    this.#socket = socket
    let opened = false
    socket.addEventListener('open', () => {
      opened = true
      this.#backoff = 500
      for (const [messageId, entry] of this.#entries) {
        if (entry.holders > 0 && entry.state.status === null) this.#subscribe(messageId, entry)
      }
    })
    socket.addEventListener('message', (event) => this.#onMessage(String(event.data)))
    socket.addEventListener('close', (event) => {
      if (this.#socket !== socket) return
      this.#socket = null
      this.#socketId = null
      this.#dropPendingReplies()
      /*
      | Closed because the session signed out, or refused at upgrade (the
      | browser hides the status; a 401 looks like any failure): ask the server
      | whether the session still holds. Signed out, it never reconnects.
      */
      if (event.code === SIGNED_OUT_CLOSE || !opened) void checkSession()
      if (event.code === SIGNED_OUT_CLOSE) return
      const waiting = [...this.#entries.values()].some(
        (e) => e.holders > 0 && e.state.status === null
      )
      if (!waiting && this.#keepers === 0) return
      this.#reconnectTimer = setTimeout(() => {
        this.#reconnectTimer = null
        this.#ensureSocket()
      }, this.#backoff)
      this.#backoff = Math.min(this.#backoff * 2, 10_000)
    })
  }

  /* Sign-out: closes the socket for good (LiveStore's own sockets close with the store). */
  shutdown() {
    this.#shutDown = true
    if (this.#reconnectTimer) clearTimeout(this.#reconnectTimer)
    if (this.#idleTimer) clearTimeout(this.#idleTimer)
    this.#reconnectTimer = null
    this.#close()
  }

  #close() {
    this.#idleTimer = null
    const socket = this.#socket
    this.#socket = null
    this.#socketId = null
    this.#dropPendingReplies()
    socket?.close()
  }

  #onMessage(data: string) {
    let parsed: any
    try {
      parsed = JSON.parse(data)
    } catch {
      return
    }
    if (Array.isArray(parsed)) for (const frame of parsed) this.#onFrame(frame)
    else this.#onFrame(parsed)
  }

  #onFrame(frame: any) {
    if (frame?.type === 'hello') {
      if (typeof frame.socketId === 'string') this.#socketId = frame.socketId
      for (const waiter of [...this.#nameWaiters]) waiter(this.#socketId)
      return
    }
    if (frame?.type === 'replied' || frame?.type === 'reply_error') {
      const settle = this.#pendingReplies.get(frame.assistantMessageId)
      if (!settle) return
      if (frame.type === 'replied') settle({ ok: true, data: frame.data ?? {} })
      else {
        settle({
          ok: false,
          status: typeof frame.status === 'number' ? frame.status : 500,
          code: typeof frame.code === 'string' ? frame.code : null,
          message: typeof frame.message === 'string' ? frame.message : 'The server refused.',
          retryAfterMs: typeof frame.retryAfterMs === 'number' ? frame.retryAfterMs : null,
        })
      }
      return
    }
    const messageId = typeof frame?.messageId === 'string' ? frame.messageId : null
    const entry = messageId ? this.#entries.get(messageId) : undefined
    if (!messageId || !entry) return
    const state = entry.state
    switch (frame.type) {
      case 'snapshot':
        if (frame.seq >= state.seq) {
          this.#set(entry, { ...state, text: frame.text, seq: frame.seq })
        }
        return
      case 'token':
        if (frame.seq === state.seq + 1) {
          this.#set(entry, {
            ...state,
            text: (state.text ?? '') + frame.text,
            seq: frame.seq,
          })
        } else if (frame.seq > state.seq + 1) {
          // A gap (should not happen on one socket): ask again from what we have.
          this.#send({ type: 'unsubscribe', messageId })
          this.#subscribe(messageId, entry)
        }
        return
      case 'done':
        this.#set(entry, { ...state, status: frame.status, error: frame.error ?? null })
        entry.releaseReplyHold?.()
        return
      case 'error':
        // Not running yet (the reply's 202 may still be on its way) or not ours: retry a little.
        if (frame.code === 'not_found' && entry.holders > 0 && entry.notFound < NOT_FOUND_RETRIES) {
          entry.notFound++
          setTimeout(() => {
            if (entry.holders > 0 && entry.state.status === null) this.#subscribe(messageId, entry)
          }, 300 * entry.notFound)
        }
        return
    }
  }
}

let connection: LiveConnection | null = null
const live = () => (connection ??= new LiveConnection())

/* Signing out (in this tab or another) closes the live channel with the chat store. */
registerStoreCloser(async () => connection?.shutdown())

/* Keeps the tab's /live socket open while mounted (a chat view), for subscribe on reply. */
export function useLiveChannel() {
  useEffect(() => live().keepOpen(), [])
}

/* Before asking for an answer: the socket to name in the request, and the answer held (see watchReply). */
export function watchReply(messageId: string): ReplyWatch {
  if (typeof window === 'undefined') return NO_REPLY_WATCH
  return live().watchReply(messageId)
}

/* The live state of one answer while `streaming` is true. */
export function useLiveTokens(messageId: string, streaming: boolean): LiveAnswer {
  useEffect(() => {
    if (!streaming) return
    return live().hold(messageId)
  }, [messageId, streaming])
  return useSyncExternalStore(
    (listener) => live().listen(messageId, listener),
    () => live().snapshot(messageId),
    () => EMPTY
  )
}

/*
| The text to show: the live text while it is ahead of what LiveStore has
| stored (checkpoints lag by up to two seconds), the stored text otherwise.
*/
export function useLiveText(messageId: string, storedText: string, streaming: boolean): string {
  const answer = useLiveTokens(messageId, streaming)
  if (answer.text !== null && answer.text.length > storedText.length) return answer.text
  return storedText
}
