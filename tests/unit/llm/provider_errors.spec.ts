import { test } from '@japa/runner'
import { APICallError, RetryError } from 'ai'
import {
  classifyFinishReason,
  classifyProviderError,
  LlmStalledError,
  LlmTimeoutError,
  scrubSecrets,
} from '#llm/provider_errors'

function apiError(
  statusCode: number | undefined,
  message: string,
  extra: { responseBody?: string; responseHeaders?: Record<string, string>; cause?: unknown } = {}
) {
  return new APICallError({
    message,
    url: 'https://api.example.test/v1/chat/completions',
    requestBodyValues: { model: 'x' },
    statusCode,
    ...extra,
  })
}

const KEY = 'sk-or-v1-0123456789abcdefSECRET'

test.group('classifyProviderError', () => {
  test('401 is bad_key, advice depends on whose key it was', ({ assert }) => {
    const error = apiError(401, `Incorrect API key provided: ${KEY}.`, {
      responseBody: JSON.stringify({ error: { message: `Incorrect API key provided: ${KEY}` } }),
    })
    const user = classifyProviderError(error, {
      providerLabel: 'OpenRouter',
      keySource: 'user',
      secrets: [KEY],
    })
    assert.equal(user.kind, 'bad_key')
    assert.equal(user.status, 401)
    assert.isFalse(user.retryable)
    assert.include(user.reason, 'rejected your API key')
    assert.notInclude(user.reason, KEY)
    assert.notInclude(user.detail, KEY)
    assert.include(user.detail, '[redacted]')

    const platform = classifyProviderError(error, {
      providerLabel: 'OpenRouter',
      keySource: 'platform',
    })
    assert.include(platform.reason, "refused the service's key")
    // Scrubbed by shape even when the caller forgot to pass the secret.
    assert.notInclude(platform.detail, KEY)
  })

  test('403 and 402 are bad_key too', ({ assert }) => {
    assert.equal(classifyProviderError(apiError(403, 'forbidden')).kind, 'bad_key')
    const credits = classifyProviderError(apiError(402, 'Insufficient credits'), {
      providerLabel: 'OpenRouter',
      keySource: 'user',
    })
    assert.equal(credits.kind, 'bad_key')
    assert.include(credits.reason, 'no credits')
  })

  test('429 is rate_limited with retry-after', ({ assert }) => {
    const failure = classifyProviderError(
      apiError(429, 'Rate limit reached', { responseHeaders: { 'retry-after': '7' } }),
      { providerLabel: 'OpenAI' }
    )
    assert.equal(failure.kind, 'rate_limited')
    assert.equal(failure.retryAfterSeconds, 7)
    assert.isTrue(failure.retryable)
    assert.equal(failure.reason, 'OpenAI is rate limiting requests. Try again in 7 s.')
  })

  test('5xx is provider_error, retryable', ({ assert }) => {
    const failure = classifyProviderError(apiError(503, 'Service Unavailable'), {
      providerLabel: 'OpenRouter',
    })
    assert.equal(failure.kind, 'provider_error')
    assert.equal(failure.status, 503)
    assert.isTrue(failure.retryable)
    assert.include(failure.reason, 'HTTP 503')
  })

  test('408 and 504 are timeouts', ({ assert }) => {
    assert.equal(classifyProviderError(apiError(408, 'timeout')).kind, 'timeout')
    assert.equal(classifyProviderError(apiError(504, 'gateway timeout')).kind, 'timeout')
  })

  test('a 400 about content policy is content_filter, not retryable', ({ assert }) => {
    const failure = classifyProviderError(
      apiError(400, 'Bad request', {
        responseBody: '{"error":{"code":"content_policy_violation","message":"flagged"}}',
      })
    )
    assert.equal(failure.kind, 'content_filter')
    assert.isFalse(failure.retryable)
  })

  test('a 400 about context length says the chat is too long', ({ assert }) => {
    const failure = classifyProviderError(
      apiError(400, "This model's maximum context length is 8192 tokens")
    )
    assert.equal(failure.kind, 'provider_error')
    assert.include(failure.reason, 'too long')
    assert.isFalse(failure.retryable)
  })

  test('our watchdogs: stalled and timeout', ({ assert }) => {
    const stalled = classifyProviderError(new LlmStalledError(30_000), { providerLabel: 'OpenAI' })
    assert.equal(stalled.kind, 'stalled')
    assert.isTrue(stalled.retryable)
    assert.equal(classifyProviderError(new LlmTimeoutError(120_000)).kind, 'timeout')
    // AbortSignal.timeout() rejects with a DOMException named TimeoutError.
    assert.equal(
      classifyProviderError(new DOMException('timed out', 'TimeoutError')).kind,
      'timeout'
    )
    // An AbortError carrying our watchdog as its cause.
    const aborted = new DOMException('aborted', 'AbortError') as DOMException & { cause?: unknown }
    Object.defineProperty(aborted, 'cause', { value: new LlmStalledError(10_000) })
    assert.equal(classifyProviderError(aborted).kind, 'stalled')
  })

  test('transport failures: refused, cut mid-stream, unknown', ({ assert }) => {
    const refused = new TypeError('fetch failed', {
      cause: Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' }),
    })
    const a = classifyProviderError(refused, { providerLabel: 'OpenRouter' })
    assert.equal(a.kind, 'provider_error')
    assert.equal(a.reason, "Couldn't reach OpenRouter. Try again in a moment.")

    const cut = apiError(undefined, 'Failed to process successful response', {
      cause: new TypeError('terminated', {
        cause: Object.assign(new Error('other side closed'), { code: 'UND_ERR_SOCKET' }),
      }),
    })
    const b = classifyProviderError(cut, { providerLabel: 'OpenAI' })
    assert.equal(b.kind, 'provider_error')
    assert.include(b.reason, 'closed the connection in the middle')
    /* The SDKs report the cut with the status of the response that broke off (200). */
    const cutAfterHeaders = apiError(200, 'Failed to process successful response', {
      cause: new TypeError('terminated', {
        cause: Object.assign(new Error('other side closed'), { code: 'UND_ERR_SOCKET' }),
      }),
    })
    assert.equal(
      classifyProviderError(cutAfterHeaders, { providerLabel: 'OpenAI' }).reason,
      'OpenAI closed the connection in the middle of the answer. Try again.'
    )

    assert.equal(classifyProviderError({ weird: true }).kind, 'provider_error')
    assert.equal(classifyProviderError(null).kind, 'provider_error')
  })

  test('RetryError is classified by its last error', ({ assert }) => {
    const last = apiError(429, 'slow down')
    const retry = new RetryError({
      message: 'Failed after 3 attempts',
      reason: 'maxRetriesExceeded',
      errors: [apiError(500, 'x'), last],
    })
    assert.equal(classifyProviderError(retry).kind, 'rate_limited')
  })
})

test.group('classifyFinishReason', () => {
  test('content-filter ends as content_filter; normal finishes are not failures', ({ assert }) => {
    assert.equal(classifyFinishReason('content-filter')?.kind, 'content_filter')
    assert.equal(classifyFinishReason('error')?.kind, 'provider_error')
    assert.isNull(classifyFinishReason('stop'))
    assert.isNull(classifyFinishReason('length'))
    assert.isNull(classifyFinishReason(undefined))
  })
})

test.group('scrubSecrets', () => {
  test('removes the given secrets and anything key-shaped', ({ assert }) => {
    const text = [
      `given ${KEY}`,
      'openai sk-proj-abcdefghijklmnop',
      'anthropic sk-ant-api03-abcdefghijkl',
      'google AIzaSyA1234567890abcdefghijklmnop',
      'Authorization: Bearer abcdefghijklmnopqrstuvwxyz',
      'https://x.test/v1/models?key=supersecretvalue&other=1',
      'custom: my-own-secret-value',
    ].join('\n')
    const scrubbed = scrubSecrets(text, ['my-own-secret-value'])
    for (const secret of [
      KEY,
      'sk-proj-abcdefghijklmnop',
      'sk-ant-api03-abcdefghijkl',
      'AIzaSyA1234567890abcdefghijklmnop',
      'abcdefghijklmnopqrstuvwxyz',
      'supersecretvalue',
      'my-own-secret-value',
    ]) {
      assert.notInclude(scrubbed, secret)
    }
    assert.include(scrubbed, 'Bearer [redacted]')
    assert.include(scrubbed, '?key=[redacted]&other=1')
  })

  test('removes a given secret in the forms an echoing body carries it', ({ assert }) => {
    // Any printable ASCII is a valid key; a JSON body echoing it escapes some of it.
    const secret = `or+a1b2c3/"\\=&<>'d4e5f6%20?#g7h8`
    const json = JSON.stringify(secret).slice(1, -1)
    const bodies = [
      JSON.stringify({ error: { message: `User not found for key ${secret}` } }),
      `{"message":"bad key ${json.replaceAll('/', '\\/')}"}`,
      `{"message":"bad key ${json.replace(/[<>&']/g, (c) => `\\u00${c.charCodeAt(0).toString(16)}`)}"}`,
      `GET /v1/models?key=${encodeURIComponent(secret)}`,
      `plain ${secret} plain`,
    ]
    for (const body of bodies) {
      const scrubbed = scrubSecrets(body, [secret])
      assert.include(scrubbed, '[redacted]', body)
      for (const piece of ['a1b2c3', 'd4e5f6', 'g7h8']) assert.notInclude(scrubbed, piece, body)
    }
  })

  test('leaves ordinary text alone', ({ assert }) => {
    assert.equal(scrubSecrets('Rate limit reached for gpt-4o'), 'Rate limit reached for gpt-4o')
  })
})
