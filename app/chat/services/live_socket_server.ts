import type { IncomingMessage, Server as HttpServer } from 'node:http'
import type { Server as HttpsServer } from 'node:https'
import type { Duplex } from 'node:stream'
import { randomUUID } from 'node:crypto'
import { WebSocketServer, type WebSocket, type RawData } from 'ws'
import db from '@adonisjs/lucid/services/db'
import logger from '@adonisjs/core/services/logger'
import { Exception } from '@adonisjs/core/exceptions'
import { errors as vineErrors } from '@vinejs/vine'
import env from '#start/env'
import { SyncSessionAuthenticator } from '#sync/services/sync_session_authenticator'
import { type GenerationRegistry, type LiveSubscriber } from '#chat/services/generation_registry'
import { setImmediate as nextTurn } from 'node:timers/promises'
import { liveFrameValidator, liveReplyFrameValidator } from '#chat/validators/chat_validators'
import type { ReplyAccepted, ReplyRequest } from '#chat/services/reply_service'
import { TurnGate } from '#core/turn_gate'

export const LIVE_PATH = '/live'
const MAX_FRAME_BYTES = 4 * 1024
const MAX_SUBSCRIPTIONS = 64
/* Close code when the session signed out (the same as /livestore-sync's). */
export const LIVE_SIGNED_OUT = 4401
/* Above this much unsent data the tab is too slow: it is closed and re-attaches from its seq. */
const MAX_BUFFERED_BYTES = 4 * 1024 * 1024
/*
| A batched socket watching several answers at once writes at most once per
| this long: frames of the turns in between join the next write. It caps the
| writes per tab at 100 a second, each carrying ~10 ms of tokens, which no
| reader can tell from one write per token. Nothing waits on a socket that
| has been quiet, nor on one watching a single answer (its first token is not
| held back behind the previous answer's last frames).
*/
const BATCH_WINDOW_MS = 10
/*
| ...and one more window per this many answers watched: a tab watching fifty
| (the streams bench's fan-in) writes every 40 ms, 25 writes a second, each
| carrying two tokens of each answer. A write to a socket costs far more than
| its bytes (the profile of 1,000 answers on 20 sockets: a quarter of the
| server's CPU in writev at 10 ms); a tab watching a few answers keeps 10 ms.
*/
const ANSWERS_PER_WINDOW = 16

const FINAL_STATUSES = new Set(['complete', 'stopped', 'error', 'interrupted'])

/*
| Starts an answer for a reply frame (ReplyService.replyOnSocket, handed over
| at start: that service attaches sockets through this server). Refusals are
| thrown as the reply endpoint throws them (status, code, message).
*/
export type LiveReplyHandler = (
  owner: { userId: string; sessionId: string },
  request: ReplyRequest,
  attach: (assistantMessageId: string) => boolean
) => Promise<ReplyAccepted>

/* Reply frames handled per turn of the event loop, as for HTTP requests (RequestTurnMiddleware). */
const replyFrames = new TurnGate(16, 10)

/* What a reply request may do with a socket it names (see attachToAnswer). */
interface LiveSocketHandle {
  userId: string
  sessionId: string
  subscribe: (messageId: string) => boolean
}

/*
| The live channel: deltas of the user's running answers at token latency.
| Same upgrade checks as /livestore-sync (session cookie through the same
| authenticator, same-site Origin). Browser -> server frames:
|   { type: 'subscribe', messageId, fromSeq? }   { type: 'unsubscribe', messageId }
| Server -> browser: snapshot / token / done (see generation_registry.ts) and
|   { type: 'error', code, message, messageId? }
| A subscription to anything but one of the user's own answers gets
| `not_found`, whether it exists for someone else or not at all.
|
| Batching: a socket opened as `/live?batch=1` gets the frames of one turn
| of the event loop together (watching a single answer: of one callback),
| as one WebSocket message holding a JSON array of frames (`[frame,frame]`;
| a lone frame still goes alone), and, watching several answers, at most
| one message per BATCH_WINDOW_MS. With a thousand
| answers streaming, one message per token per tab is one socket write per
| token, the main CPU cost of the channel; batched, a tab watching fifty
| answers gets one write per turn or window. The order of frames is kept.
| Without the parameter (an older tab), every frame is its own message.
|
| Subscribe on reply: a socket opened with `hello=1` (`/live?batch=1&hello=1`)
| first gets { type: 'hello', socketId }, a random id the tab sends along
| with its reply request (`liveSocketId`); the reply attaches this socket to
| the new answer (`attachToAnswer`) before the model's first token can
| arrive, so the first token needs no subscribe round trip. The id opens
| nothing by itself: it attaches only a socket of the same user and session,
| still open, to one of that user's running answers; anything else leaves
| the tab to subscribe as before.
*/
export class LiveSocketServer {
  #wss = new WebSocketServer({
    noServer: true,
    maxPayload: MAX_FRAME_BYTES,
    perMessageDeflate: false,
  })
  #attached = new WeakSet<object>()
  #appOrigin: string
  /* Open sockets by the session they were opened with, to close them when it signs out. */
  #bySession = new Map<string, Set<WebSocket>>()
  /* Sockets opened with `hello=1`, by the id their hello frame gave them (removed on close). */
  #byId = new Map<string, LiveSocketHandle>()
  #replies: LiveReplyHandler | null = null

  constructor(
    protected registry: GenerationRegistry,
    protected authenticator = new SyncSessionAuthenticator()
  ) {
    this.#appOrigin = new URL(env.get('APP_URL')).origin
  }

  attach(httpServer: HttpServer | HttpsServer) {
    if (this.#attached.has(httpServer)) return
    this.#attached.add(httpServer)
    httpServer.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
      if (pathOf(req) !== LIVE_PATH) return
      this.#upgrade(req, socket, head).catch((error) => {
        logger.error({ err: error }, 'live upgrade failed')
        refuse(socket, 500)
      })
    })
  }

  /* Reply frames start answers through this (set once the reply service exists). */
  handleRepliesWith(handler: LiveReplyHandler) {
    this.#replies = handler
  }

  get connectionCount() {
    return this.#wss.clients.size
  }

  close() {
    for (const client of this.#wss.clients) client.close(1001, 'server shutting down')
  }

  /*
  | Closes the sockets opened with this session (it signed out), with the
  | same close code as /livestore-sync; returns how many. The tab does not
  | reconnect on it, and the cookie no longer opens a new one.
  */
  disconnectSession(sessionId: string) {
    const sockets = this.#bySession.get(sessionId)
    if (!sockets) return 0
    this.#bySession.delete(sessionId)
    for (const ws of sockets) ws.close(LIVE_SIGNED_OUT, 'signed out')
    return sockets.size
  }

  /*
  | Attaches the socket the reply request named to the answer it started:
  | true when it now receives the answer's frames (from the first token; a
  | repeat request gets the tail or a snapshot, as a subscribe would).
  | False, and nothing attached, when the id is unknown or closed, belongs
  | to another user or another session, or the answer is not the user's
  | running one: the tab then subscribes itself.
  */
  attachToAnswer(
    socketId: string,
    owner: { userId: string; sessionId: string },
    messageId: string
  ): boolean {
    const handle = this.#byId.get(socketId)
    if (!handle || handle.userId !== owner.userId || handle.sessionId !== owner.sessionId) {
      return false
    }
    return handle.subscribe(messageId)
  }

  /* The upgrade, with the socket remembered under its session until it closes. */
  #handleUpgrade(
    req: IncomingMessage,
    socket: Duplex,
    head: Buffer,
    sessionId: string,
    connect: (ws: WebSocket) => void
  ) {
    this.#wss.handleUpgrade(req, socket, head, (ws) => {
      let sockets = this.#bySession.get(sessionId)
      if (!sockets) this.#bySession.set(sessionId, (sockets = new Set()))
      sockets.add(ws)
      ws.once('close', () => {
        const current = this.#bySession.get(sessionId)
        current?.delete(ws)
        if (current?.size === 0) this.#bySession.delete(sessionId)
      })
      connect(ws)
    })
  }

  async #upgrade(req: IncomingMessage, socket: Duplex, head: Buffer) {
    socket.on('error', () => socket.destroy())
    if (!originAllowed(req, this.#appOrigin)) return refuse(socket, 403)
    const user = await this.authenticator.authenticate(req)
    if (!user) return refuse(socket, 401)
    if (socket.destroyed) return
    const batched = queryFlag(req, 'batch')
    const hello = queryFlag(req, 'hello')
    this.#handleUpgrade(req, socket, head, user.sessionId, (ws) =>
      this.#connect(ws, user.id, user.sessionId, batched, hello)
    )
  }

  #connect(ws: WebSocket, userId: string, sessionId: string, batched: boolean, hello: boolean) {
    const subscriptions = new Map<string, LiveSubscriber>()
    const write = (data: string) => {
      if (ws.readyState !== ws.OPEN) return
      if (ws.bufferedAmount > MAX_BUFFERED_BYTES) {
        ws.close(4008, 'too slow')
        return
      }
      ws.send(data)
    }
    // Frames waiting for the end of this turn of the event loop (batched sockets).
    let outbox: string[] = []
    let lastWrite = -Infinity
    const flush = () => {
      const frames = outbox
      outbox = []
      lastWrite = performance.now()
      write(frames.length === 1 ? frames[0] : `[${frames.join(',')}]`)
    }
    const send = batched
      ? (frame: string) => {
          if (outbox.push(frame) > 1) return
          // Only a tab watching several answers at once waits for the window.
          const watched = subscriptions.size
          const windowMs = BATCH_WINDOW_MS * Math.ceil(watched / ANSWERS_PER_WINDOW)
          const wait = watched > 1 ? lastWrite + windowMs - performance.now() : 0
          /*
          | A socket watching one answer writes once the current callback is
          | done (the frames it produced, e.g. a replay or the tokens of one
          | provider chunk, still go as one message), not at the end of the
          | turn: an answer's first token waited there behind ~0.6 ms of the
          | turn's other work (CPU-time marks, ttft bench).
          */
          if (wait <= 0) (watched <= 1 ? queueMicrotask : setImmediate)(flush)
          else setTimeout(flush, wait)
        }
      : write
    const sendError = (code: string, message: string, messageId?: string) =>
      send(JSON.stringify({ type: 'error', code, message, ...(messageId ? { messageId } : {}) }))
    // A subscription to one of the user's running answers (false: none such, or at the cap).
    const subscribeRunning = (messageId: string, fromSeq: number) => {
      if (subscriptions.has(messageId)) return true
      if (subscriptions.size >= MAX_SUBSCRIPTIONS) return false
      const subscriber: LiveSubscriber = (encoded) => {
        send(encoded)
        // The final frame ends the subscription.
        if (encoded.startsWith('{"type":"done"')) subscriptions.delete(messageId)
      }
      if (!this.registry.subscribe(messageId, userId, fromSeq, subscriber)) return false
      subscriptions.set(messageId, subscriber)
      return true
    }

    let socketId: string | null = null
    if (hello) {
      socketId = randomUUID()
      this.#byId.set(socketId, {
        userId,
        sessionId,
        subscribe: (messageId) => ws.readyState === ws.OPEN && subscribeRunning(messageId, 0),
      })
      write(JSON.stringify({ type: 'hello', socketId }))
    }

    ws.on('message', (data: RawData, isBinary: boolean) => {
      void this.#onFrame(
        data,
        isBinary,
        { userId, sessionId },
        subscriptions,
        subscribeRunning,
        send,
        sendError
      ).catch((error) => {
        logger.error({ err: error }, 'live frame failed')
        sendError('internal', 'Something went wrong.')
      })
    })
    ws.on('error', () => ws.terminate())
    ws.on('close', () => {
      if (socketId) this.#byId.delete(socketId)
      for (const [messageId, subscriber] of subscriptions) {
        this.registry.unsubscribe(messageId, subscriber)
      }
      subscriptions.clear()
    })
  }

  async #onFrame(
    data: RawData,
    isBinary: boolean,
    owner: { userId: string; sessionId: string },
    subscriptions: Map<string, LiveSubscriber>,
    subscribeRunning: (messageId: string, fromSeq: number) => boolean,
    send: (frame: string) => void,
    sendError: (code: string, message: string, messageId?: string) => void
  ) {
    if (isBinary) return sendError('bad_frame', 'Frames are JSON text.')
    let parsed: unknown
    try {
      parsed = JSON.parse(data.toString())
    } catch {
      return sendError('bad_frame', 'Frames are JSON text.')
    }
    if ((parsed as { type?: unknown } | null)?.type === 'reply') {
      return this.#onReply(parsed, owner, subscribeRunning, send)
    }
    const { userId } = owner
    let frame
    try {
      frame = await liveFrameValidator.validate(parsed)
    } catch (error) {
      if (error instanceof vineErrors.E_VALIDATION_ERROR) {
        const first = (error.messages as { message: string }[])[0]
        return sendError('bad_frame', first?.message ?? 'Invalid frame.')
      }
      throw error
    }

    const { messageId } = frame
    if (frame.type === 'unsubscribe') {
      const subscriber = subscriptions.get(messageId)
      if (subscriber) this.registry.unsubscribe(messageId, subscriber)
      subscriptions.delete(messageId)
      return
    }

    if (subscriptions.has(messageId)) return
    if (subscriptions.size >= MAX_SUBSCRIPTIONS) {
      return sendError('too_many_subscriptions', `At most ${MAX_SUBSCRIPTIONS} at once.`, messageId)
    }
    if (subscribeRunning(messageId, frame.fromSeq ?? 0)) return

    // Not running here: finished already (tell its final status), or not the user's.
    const row = await db
      .from('messages')
      .join('chats', 'chats.id', 'messages.chat_id')
      .where('messages.id', messageId)
      .where('chats.user_id', userId)
      .where('messages.role', 'assistant')
      .select('messages.status', 'messages.error')
      .first()
    if (!row) return sendError('not_found', 'No such answer.', messageId)
    // It may have started between the registry check and this read.
    if (subscribeRunning(messageId, frame.fromSeq ?? 0)) return
    send(
      JSON.stringify({
        type: 'done',
        messageId,
        status: FINAL_STATUSES.has(row.status) ? row.status : 'interrupted',
        error: row.error ?? null,
      })
    )
  }

  async #onReply(
    parsed: unknown,
    owner: { userId: string; sessionId: string },
    subscribeRunning: (messageId: string, fromSeq: number) => boolean,
    send: (frame: string) => void
  ) {
    const answerId = (parsed as { assistantMessageId?: unknown }).assistantMessageId
    const refuseReply = (status: number, code: string, message: string, extra = {}) =>
      send(
        JSON.stringify({
          type: 'reply_error',
          assistantMessageId: typeof answerId === 'string' ? answerId.slice(0, 64) : null,
          status,
          code,
          message,
          ...extra,
        })
      )
    let frame
    try {
      frame = await liveReplyFrameValidator.validate(parsed)
    } catch (error) {
      if (error instanceof vineErrors.E_VALIDATION_ERROR) {
        const first = (error.messages as { message: string; field: string }[])[0]
        return refuseReply(422, 'E_VALIDATION_ERROR', first?.message ?? 'Invalid reply.', {
          errors: error.messages,
        })
      }
      throw error
    }
    if (!this.#replies) return refuseReply(503, 'E_UNAVAILABLE', 'Replies are not available yet.')
    const turn = replyFrames.enter()
    if (turn) await turn
    let accepted: ReplyAccepted
    try {
      accepted = await this.#replies(owner, frame, (messageId) => subscribeRunning(messageId, 0))
    } catch (error) {
      const refusal = refusalOf(error)
      if (!refusal) {
        logger.error({ err: error }, 'reply frame failed')
        return refuseReply(500, 'E_INTERNAL', 'The answer could not be started.')
      }
      const { code, message, ...extra } = refusal.fields
      return refuseReply(refusal.status, code, message, extra)
    }
    // As the 202 does (replies_controller.ts): the model call reaches the wire first.
    if (accepted.created) await nextTurn()
    send(
      JSON.stringify({
        type: 'replied',
        assistantMessageId: frame.assistantMessageId,
        data: accepted,
      })
    )
  }
}

/*
| A refusal the reply path throws (an Adonis Exception with its HTTP status
| and code, e.g. #chat/chat_errors), as the reply endpoint would send it;
| null for anything else (a bug: logged, a generic 500 frame).
*/
function refusalOf(
  error: unknown
): { status: number; fields: { code: string; message: string } & Record<string, unknown> } | null {
  if (!(error instanceof Exception) || error.status < 400 || !error.code) return null
  const own = error as Exception & { refusal?: () => { code: string; message: string } }
  // A 5xx only when it is one of the path's own refusals (provider unavailable), never a crash's text.
  if (error.status >= 500 && typeof own.refusal !== 'function') return null
  const fields =
    typeof own.refusal === 'function' ? own.refusal() : { code: error.code, message: error.message }
  return { status: error.status, fields }
}

/*
| Browsers always send Origin on a WebSocket upgrade; it must be this app
| (APP_URL, or the Host the request was sent to), as on /livestore-sync.
*/
function originAllowed(req: IncomingMessage, appOrigin: string) {
  const origin = req.headers.origin
  if (!origin) return false
  let parsed: URL
  try {
    parsed = new URL(origin)
  } catch {
    return false
  }
  if (parsed.origin === appOrigin) return true
  return req.headers.host !== undefined && parsed.host === req.headers.host
}

/* `name=1` in the upgrade's query string (batch, hello). */
function queryFlag(req: IncomingMessage, name: string) {
  const url = req.url ?? '/'
  const query = url.indexOf('?')
  return query !== -1 && new URLSearchParams(url.slice(query + 1)).get(name) === '1'
}

function pathOf(req: IncomingMessage) {
  const url = req.url ?? '/'
  const query = url.indexOf('?')
  return query === -1 ? url : url.slice(0, query)
}

const STATUS_TEXT: Record<number, string> = {
  401: 'Unauthorized',
  403: 'Forbidden',
  500: 'Internal Server Error',
}

function refuse(socket: Duplex, status: number) {
  if (socket.destroyed) return
  socket.once('finish', () => socket.destroy())
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_TEXT[status] ?? 'Error'}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`
  )
}
