import { APICallError, RetryError } from 'ai'

/*
|--------------------------------------------------------------------------
| Provider failures -> clear answers
|--------------------------------------------------------------------------
|
| Turns whatever a provider call threw (AI SDK errors, fetch errors, our own
| stall/timeout watchdogs) or a finish reason into one of a few kinds, each
| with a sentence the UI can show as is. Pure: no I/O, no logging.
|
| Provider error text may echo the key that was sent ("Incorrect API key
| provided: sk-..."), so every string that leaves here goes through
| scrubSecrets, with the known key(s) and key-shaped patterns removed.
|
| A user pressing stop is not a failure: callers check their own abort
| signal before classifying.
|
*/

export const LLM_FAILURE_KINDS = [
  'bad_key',
  'rate_limited',
  'provider_error',
  'timeout',
  'stalled',
  'content_filter',
] as const
export type LlmFailureKind = (typeof LLM_FAILURE_KINDS)[number]

export interface LlmFailure {
  kind: LlmFailureKind
  /* Shown to the user; never holds a key or provider internals. */
  reason: string
  /* HTTP status from the provider, when there was one. */
  status: number | null
  /* Worth a retry button (bad keys and filtered content are not, until something changes). */
  retryable: boolean
  /* Seconds the provider asked us to wait (429 retry-after). */
  retryAfterSeconds: number | null
  /* The provider's own message, scrubbed and truncated: for logs and support. */
  detail: string
}

export interface ClassifyOptions {
  /* Shown in reasons: "OpenRouter", "OpenAI"... */
  providerLabel?: string
  /* Whose key the call used; changes the advice for a rejected key. */
  keySource?: 'user' | 'platform' | 'operator' | 'none'
  /* Exact secrets to remove from any text (the key that was sent). */
  secrets?: Array<string | null | undefined>
}

/* Thrown (as an abort reason) when a stream sends nothing for too long. */
export class LlmStalledError extends Error {
  override name = 'LlmStalledError'
  constructor(readonly silentForMs: number) {
    super(`The model sent nothing for ${Math.round(silentForMs / 1000)} s`)
  }
}

/* Thrown (as an abort reason) when a whole call takes longer than allowed. */
export class LlmTimeoutError extends Error {
  override name = 'LlmTimeoutError'
  constructor(readonly afterMs: number) {
    super(`The call took longer than ${Math.round(afterMs / 1000)} s`)
  }
}

/*
| Key shapes we know (OpenAI/OpenRouter/Anthropic "sk-...", Google "AIza...")
| and any long bearer token, removed even when we were not told the secret.
*/
const KEY_PATTERNS = [
  /\bsk-[A-Za-z0-9_-]{8,}/g,
  /\bAIza[0-9A-Za-z_-]{20,}/g,
  /(bearer\s+)[A-Za-z0-9._~+/=-]{8,}/gi,
  /([?&](?:key|api_key|apikey|token)=)[^&\s"']+/gi,
]

/*
| A secret as a provider's answer may carry it: as is, JSON-escaped (a JSON
| body echoing the key: `"` and `\\` escaped, by some encoders also `/` or
| <, >, &, ' as \\u00XX) or URL-encoded. A key may hold any printable
| ASCII; the raw error body is what gets scrubbed, so each form goes.
*/
function secretForms(secret: string): string[] {
  const json = JSON.stringify(secret).slice(1, -1)
  const unicode = (value: string) =>
    value.replace(/[<>&']/g, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`)
  const slashes = json.replaceAll('/', '\\/')
  const forms = new Set([
    secret,
    json,
    slashes,
    unicode(json),
    unicode(slashes),
    encodeURIComponent(secret),
  ])
  // Longest first: a shorter form inside a longer one must not break it up before it goes.
  return [...forms].sort((a, b) => b.length - a.length)
}

export function scrubSecrets(text: string, secrets: Array<string | null | undefined> = []): string {
  let result = text
  for (const secret of secrets) {
    if (!secret || secret.length < 4) continue
    for (const form of secretForms(secret)) result = result.split(form).join('[redacted]')
  }
  for (const pattern of KEY_PATTERNS) {
    // Patterns with a group keep it ("Bearer ", "?key="); the secret after it goes.
    result = result.replace(pattern, (...args: unknown[]) =>
      typeof args[1] === 'string' ? `${args[1]}[redacted]` : '[redacted]'
    )
  }
  return result
}

const DETAIL_LIMIT = 300

function detailOf(text: string, options: ClassifyOptions): string {
  const scrubbed = scrubSecrets(text, options.secrets)
  return scrubbed.length > DETAIL_LIMIT ? `${scrubbed.slice(0, DETAIL_LIMIT)}…` : scrubbed
}

function failure(
  kind: LlmFailureKind,
  reason: string,
  detail: string,
  extra: Partial<Pick<LlmFailure, 'status' | 'retryAfterSeconds' | 'retryable'>> = {}
): LlmFailure {
  return {
    kind,
    reason,
    detail,
    status: extra.status ?? null,
    retryAfterSeconds: extra.retryAfterSeconds ?? null,
    retryable: extra.retryable ?? !(kind === 'bad_key' || kind === 'content_filter'),
  }
}

function errorName(error: unknown): string {
  return error instanceof Error || (typeof error === 'object' && error !== null && 'name' in error)
    ? String((error as { name: unknown }).name)
    : ''
}

function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message
  if (typeof error === 'string') return error
  return ''
}

/* The innermost cause's code/message, where fetch hides what really happened. */
function rootCause(error: unknown): { code: string; message: string } {
  let current: unknown = error
  let code = ''
  let message = ''
  for (let depth = 0; depth < 6 && current; depth++) {
    const value = current as { code?: unknown; message?: unknown; cause?: unknown }
    if (typeof value.code === 'string') code = value.code
    if (typeof value.message === 'string') message = value.message
    current = value.cause
  }
  return { code, message }
}

const CONTENT_FILTER_TEXT =
  /content[_ ](?:policy|filter|management)|safety (?:system|filter)|responsible ai|moderation|flagged/i
const CONTEXT_TEXT = /context[_ ]length|maximum context|too many tokens|prompt is too long/i

function retryAfter(headers: Record<string, string> | undefined): number | null {
  const value = headers?.['retry-after'] ?? headers?.['Retry-After']
  if (!value) return null
  const seconds = Number(value)
  if (Number.isFinite(seconds) && seconds >= 0) return Math.ceil(seconds)
  const date = Date.parse(value)
  return Number.isNaN(date) ? null : Math.max(0, Math.ceil((date - Date.now()) / 1000))
}

function classifyApiCall(error: APICallError, options: ClassifyOptions): LlmFailure {
  const label = options.providerLabel ?? 'The provider'
  const status = error.statusCode ?? null
  const body = error.responseBody ?? ''
  const detail = detailOf(`${error.message}${body ? ` ${body}` : ''}`, options)

  /*
  | No status, or a 2xx whose body broke off ("Failed to process successful
  | response": the stream was cut mid-answer): the transport is to blame.
  */
  if (status === null || (status >= 200 && status < 300)) return classifyTransport(error, options)

  if (status === 401 || status === 403) {
    const reason =
      options.keySource === 'user'
        ? `${label} rejected your API key. Check or replace it in Settings → API keys.`
        : `${label} refused the service's key. Try again later, or add your own key in Settings → API keys.`
    return failure('bad_key', reason, detail, { status })
  }
  if (status === 402) {
    const reason =
      options.keySource === 'user'
        ? `Your ${label} account has no credits left. Top it up, then retry.`
        : `${label} is out of credits for the service. Try again later, or add your own key.`
    return failure('bad_key', reason, detail, { status })
  }
  if (status === 408 || status === 504) {
    return failure('timeout', `${label} took too long to answer. Try again.`, detail, { status })
  }
  if (status === 429) {
    const seconds = retryAfter(error.responseHeaders)
    const wait = seconds ? ` Try again in ${seconds} s.` : ' Wait a moment, then retry.'
    return failure('rate_limited', `${label} is rate limiting requests.${wait}`, detail, {
      status,
      retryAfterSeconds: seconds,
    })
  }
  if (CONTENT_FILTER_TEXT.test(body) || CONTENT_FILTER_TEXT.test(error.message)) {
    return failure(
      'content_filter',
      `${label}'s content filter blocked this request. Rephrase your message and try again.`,
      detail,
      { status }
    )
  }
  if (status === 400 && (CONTEXT_TEXT.test(body) || CONTEXT_TEXT.test(error.message))) {
    return failure(
      'provider_error',
      'This conversation is too long for the model. Start a new chat or pick a model with a larger context.',
      detail,
      { status, retryable: false }
    )
  }
  if (status === 404) {
    return failure(
      'provider_error',
      `${label} does not offer this model (any more). Pick another model.`,
      detail,
      { status, retryable: false }
    )
  }
  if (status >= 500) {
    return failure(
      'provider_error',
      `${label} had a problem answering (HTTP ${status}). Try again.`,
      detail,
      { status }
    )
  }
  return failure(
    'provider_error',
    `${label} could not answer this request (HTTP ${status}).`,
    detail,
    { status }
  )
}

/* No HTTP status: the connection failed, dropped, or the body made no sense. */
function classifyTransport(error: unknown, options: ClassifyOptions): LlmFailure {
  const label = options.providerLabel ?? 'The provider'
  const cause = rootCause(error)
  const detail = detailOf(`${errorMessage(error)} ${cause.code} ${cause.message}`.trim(), options)

  if (
    [
      'ETIMEDOUT',
      'UND_ERR_CONNECT_TIMEOUT',
      'UND_ERR_HEADERS_TIMEOUT',
      'UND_ERR_BODY_TIMEOUT',
    ].includes(cause.code)
  ) {
    return failure('timeout', `${label} took too long to answer. Try again.`, detail)
  }
  if (
    ['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ECONNRESET', 'EHOSTUNREACH'].includes(cause.code)
  ) {
    return failure('provider_error', `Couldn't reach ${label}. Try again in a moment.`, detail)
  }
  if (
    cause.code === 'UND_ERR_SOCKET' ||
    /terminated|other side closed|socket hang up/i.test(cause.message)
  ) {
    return failure(
      'provider_error',
      `${label} closed the connection in the middle of the answer. Try again.`,
      detail
    )
  }
  return failure(
    'provider_error',
    `Something went wrong while talking to ${label}. Try again.`,
    detail
  )
}

export function classifyProviderError(error: unknown, options: ClassifyOptions = {}): LlmFailure {
  const label = options.providerLabel ?? 'The provider'

  if (RetryError.isInstance(error)) {
    return classifyProviderError(error.lastError ?? error.errors.at(-1), options)
  }
  if (error instanceof LlmStalledError || errorName(error) === 'LlmStalledError') {
    return failure(
      'stalled',
      `${label} stopped sending the answer, so it was ended here. Retry to try again.`,
      detailOf(errorMessage(error), options)
    )
  }
  if (error instanceof LlmTimeoutError || errorName(error) === 'LlmTimeoutError') {
    return failure(
      'timeout',
      `${label} took too long to answer. Try again.`,
      detailOf(errorMessage(error), options)
    )
  }
  // AbortSignal.timeout() aborts with a DOMException named TimeoutError.
  if (errorName(error) === 'TimeoutError') {
    return failure(
      'timeout',
      `${label} took too long to answer. Try again.`,
      detailOf(errorMessage(error), options)
    )
  }
  // An abort whose reason is one of our watchdogs.
  if (errorName(error) === 'AbortError') {
    const reason = (error as { cause?: unknown }).cause
    if (reason && reason !== error) return classifyProviderError(reason, options)
  }
  if (APICallError.isInstance(error)) return classifyApiCall(error, options)
  if (error instanceof Error || typeof error === 'string') return classifyTransport(error, options)
  return failure('provider_error', `Something went wrong while talking to ${label}. Try again.`, '')
}

/*
| Some failures arrive as a normal end: the provider filtered the output and
| finished with reason "content-filter". Returns null for a healthy finish.
*/
export function classifyFinishReason(
  finishReason: string | null | undefined,
  options: ClassifyOptions = {}
): LlmFailure | null {
  const label = options.providerLabel ?? 'The provider'
  if (finishReason === 'content-filter' || finishReason === 'content_filter') {
    return failure(
      'content_filter',
      `${label}'s content filter stopped this answer. Rephrase your message and try again.`,
      `finish_reason=${finishReason}`
    )
  }
  if (finishReason === 'error') {
    return failure(
      'provider_error',
      `${label} ended the answer with an error. Try again.`,
      `finish_reason=${finishReason}`
    )
  }
  return null
}
