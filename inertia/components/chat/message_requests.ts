/*
| The chat's calls to the generation endpoints (app/chat). The user's message
| is committed to LiveStore first; the reply request may reach the server
| before sync has brought the message (or a brand-new chat) there: the server
| answers 409 E_MESSAGE_NOT_SYNCED / 404 E_CHAT_NOT_FOUND and we retry for a
| while. The answer id is chosen here, so a retried request is idempotent.
*/
import { csrfToken } from '~/lib/csrf'
import type { ReplyFrame, SocketReply } from '~/hooks/use_live_tokens'

const RETRYABLE = new Set(['E_MESSAGE_NOT_SYNCED', 'E_CHAT_NOT_FOUND'])
const RETRY_FOR_MS = 20_000
const RETRY_DELAY_MS = 400

export class ChatRequestError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly code: string | null
  ) {
    super(message)
  }
}

function headers() {
  return {
    'accept': 'application/json',
    'content-type': 'application/json',
    'x-csrf-token': csrfToken() ?? '',
  }
}

async function refusal(response: Response) {
  let message = `The server refused (HTTP ${response.status}).`
  let code: string | null = null
  let retryAfterMs: number | null = null
  try {
    const body = (await response.json()) as {
      errors?: Array<{ message?: string; code?: string; retryAfterMs?: number }>
    }
    const first = body.errors?.[0]
    if (first?.message) message = first.message
    code = first?.code ?? null
    retryAfterMs = typeof first?.retryAfterMs === 'number' ? first.retryAfterMs : null
  } catch {
    // Not JSON: keep the generic message.
  }
  return { error: new ChatRequestError(message, response.status, code), retryAfterMs }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/* The 202's data (app/chat/services/reply_service.ts ReplyAccepted), the part the tab reads. */
export interface ReplyAccepted {
  assistantMessageId: string
  status: string
  created: boolean
  /* The socket named by `liveSocketId` now gets the answer's frames (else: subscribe). */
  liveAttached: boolean
}

/**
 * Asks the server to answer `messageId` as `assistantMessageId` (202 once started).
 * `liveSocketId`: this tab's /live socket, attached to the answer by the server at once.
 * `viaSocket`: sends the reply on that socket instead (see use_live_tokens.ts); a socket that
 * cannot answer hands it to POST, the same reply, idempotent on the answer id.
 */
export async function requestReply(
  chatId: string,
  messageId: string,
  assistantMessageId: string,
  options: { model?: string; regenerate?: boolean; liveSocketId?: string } = {},
  viaSocket: ((frame: ReplyFrame) => Promise<SocketReply | null>) | null = null
): Promise<ReplyAccepted> {
  const deadline = Date.now() + RETRY_FOR_MS
  // The frame needs no socket id: it comes on the socket itself.
  const fields = { model: options.model, regenerate: options.regenerate }
  for (;;) {
    const onSocket = viaSocket
      ? await viaSocket({ chatId, messageId, assistantMessageId, ...fields })
      : null
    const outcome = onSocket ?? (await postReply(chatId, messageId, assistantMessageId, options))
    if (outcome.ok) {
      return {
        assistantMessageId,
        status: outcome.data.status ?? 'streaming',
        created: outcome.data.created ?? false,
        // On the socket: that socket itself is attached. POSTed: the one `liveSocketId` names.
        liveAttached: outcome.data.liveAttached === true,
      }
    }
    const error = new ChatRequestError(outcome.message, outcome.status, outcome.code)
    if (!error.code || !RETRYABLE.has(error.code) || Date.now() > deadline) throw error
    await sleep(Math.min(Math.max(outcome.retryAfterMs ?? RETRY_DELAY_MS, 100), 2000))
  }
}

async function postReply(
  chatId: string,
  messageId: string,
  assistantMessageId: string,
  options: { model?: string; regenerate?: boolean; liveSocketId?: string }
): Promise<SocketReply> {
  const response = await fetch(
    `/api/chats/${encodeURIComponent(chatId)}/messages/${encodeURIComponent(messageId)}/reply`,
    {
      method: 'POST',
      headers: headers(),
      credentials: 'same-origin',
      body: JSON.stringify({ assistantMessageId, ...options }),
    }
  )
  if (response.ok) {
    const body = (await response.json().catch(() => null)) as { data?: ReplyAccepted } | null
    return { ok: true, data: body?.data ?? {} }
  }
  const { error, retryAfterMs } = await refusal(response)
  return { ok: false, status: error.status, code: error.code, message: error.message, retryAfterMs }
}

/** Stops a running answer (idempotent). */
export async function requestStop(chatId: string, assistantMessageId: string) {
  const response = await fetch(
    `/api/chats/${encodeURIComponent(chatId)}/messages/${encodeURIComponent(assistantMessageId)}/stop`,
    { method: 'POST', headers: headers(), credentials: 'same-origin', body: '{}' }
  )
  if (!response.ok) {
    const { error } = await refusal(response)
    throw error
  }
}

/**
 * Copies the path root -> `messageId` into a new chat `newChatId` (answers included: only the
 * server may write them). The copy reaches this device through sync.
 */
export async function requestBranch(chatId: string, messageId: string, newChatId: string) {
  const deadline = Date.now() + RETRY_FOR_MS
  for (;;) {
    const response = await fetch(
      `/api/chats/${encodeURIComponent(chatId)}/messages/${encodeURIComponent(messageId)}/branch`,
      {
        method: 'POST',
        headers: headers(),
        credentials: 'same-origin',
        body: JSON.stringify({ newChatId }),
      }
    )
    if (response.ok) return
    const { error, retryAfterMs } = await refusal(response)
    if (!error.code || !RETRYABLE.has(error.code) || Date.now() > deadline) throw error
    await sleep(Math.min(Math.max(retryAfterMs ?? RETRY_DELAY_MS, 100), 2000))
  }
}
