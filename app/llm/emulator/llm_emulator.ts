import { randomUUID } from 'node:crypto'
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { Socket } from 'node:net'
import {
  buildScript,
  countWords,
  embed,
  type EmulatorFailure,
  type EmulatorScript,
  type RequestSettings,
  type ScriptDefaults,
} from '#llm/emulator/emulator_script'

/*
|--------------------------------------------------------------------------
| LLM emulator
|--------------------------------------------------------------------------
|
| A real HTTP server on loopback speaking the wire formats our providers
| use: OpenAI Chat Completions (stream and not), the Responses API stream,
| embeddings and /v1/models; OpenRouter's /api/v1 (chat, models, key check);
| Anthropic's and Google's model lists (key checks). Tests point the SDKs'
| base URLs here; `npm run dev` runs one in-process for the development
| emulator model, so the app chats with no keys at all.
|
| Failures are injected per request (see emulator_script.ts): 401, 429, 500,
| stall (headers then silence), stall-mid, cut (socket destroyed mid-stream),
| content_filter, drop (the connection closed before any response byte).
| A 401 deliberately echoes the presented key in its message, as some
| providers do, so tests prove we scrub keys from error text.
|
*/

export interface OpenRouterModelPayload {
  id: string
  name: string
  created?: number
  description?: string
  context_length: number | null
  architecture: {
    modality?: string
    input_modalities: string[]
    output_modalities: string[]
    tokenizer?: string
  }
  pricing: { prompt: string; completion: string; [key: string]: string }
  top_provider?: {
    context_length?: number | null
    max_completion_tokens?: number | null
    is_moderated?: boolean
  }
  supported_parameters: string[]
}

export interface LlmEmulatorOptions {
  host?: string
  /* 0 (default) picks a free port. */
  port?: number
  /* 0 = as fast as the socket allows. */
  tokensPerSecond?: number
  timeToFirstTokenMs?: number
  /* Tokens in a reply when the prompt does not ask for a length. */
  replyTokens?: number
  /* Which presented keys are genuine. Default: any non-empty key not starting with "bad". */
  isValidKey?: (key: string) => boolean
  /* What GET /api/v1/models returns; replace the whole body with `openRouterModelsBody`. */
  openRouterModels?: OpenRouterModelPayload[]
  openRouterModelsBody?: unknown
  /* How many requests to remember for assertions (default 500). */
  rememberRequests?: number
}

export interface EmulatorRequestRecord {
  method: string
  path: string
  headers: Record<string, string | string[] | undefined>
  body: unknown
}

type Handler = (req: IncomingMessage, res: ServerResponse, body: any) => Promise<void> | void

const MAX_BODY_BYTES = 20 * 1024 * 1024

export const DEFAULT_OPENROUTER_MODELS: OpenRouterModelPayload[] = [
  {
    id: 'anthropic/claude-sonnet-4.5',
    name: 'Anthropic: Claude Sonnet 4.5',
    created: 1759161676,
    context_length: 1000000,
    architecture: {
      modality: 'text+image->text',
      input_modalities: ['text', 'image', 'file'],
      output_modalities: ['text'],
      tokenizer: 'Claude',
    },
    pricing: { prompt: '0.000003', completion: '0.000015', request: '0', image: '0.0048' },
    top_provider: { context_length: 1000000, max_completion_tokens: 64000, is_moderated: false },
    supported_parameters: ['include_reasoning', 'max_tokens', 'reasoning', 'temperature', 'tools'],
  },
  {
    id: 'openai/gpt-5-mini',
    name: 'OpenAI: GPT-5 Mini',
    created: 1754587407,
    context_length: 400000,
    architecture: {
      modality: 'text+image->text',
      input_modalities: ['text', 'image', 'file'],
      output_modalities: ['text'],
      tokenizer: 'GPT',
    },
    pricing: { prompt: '0.00000025', completion: '0.000002', web_search: '0.01' },
    top_provider: { context_length: 400000, max_completion_tokens: 128000, is_moderated: true },
    supported_parameters: ['max_tokens', 'reasoning', 'response_format', 'tools'],
  },
  {
    id: 'meta-llama/llama-3.3-70b-instruct',
    name: 'Meta: Llama 3.3 70B Instruct',
    created: 1733506137,
    context_length: 131072,
    architecture: {
      modality: 'text->text',
      input_modalities: ['text'],
      output_modalities: ['text'],
      tokenizer: 'Llama3',
    },
    pricing: { prompt: '0.00000013', completion: '0.00000039' },
    top_provider: { context_length: 131072, max_completion_tokens: 16384, is_moderated: false },
    supported_parameters: ['max_tokens', 'temperature', 'tools'],
  },
  {
    id: 'google/gemini-2.5-flash-image',
    name: 'Google: Gemini 2.5 Flash Image',
    created: 1759870431,
    context_length: 32768,
    architecture: {
      modality: 'text+image->text+image',
      input_modalities: ['image', 'text'],
      output_modalities: ['image', 'text'],
      tokenizer: 'Gemini',
    },
    pricing: { prompt: '0.0000003', completion: '0.0000025', image: '0.001238' },
    top_provider: { context_length: 32768, max_completion_tokens: 8192, is_moderated: false },
    supported_parameters: ['max_tokens', 'temperature'],
  },
  {
    id: 'emulator/not-curated',
    name: 'Emulator: A model nobody curated',
    created: 1700000000,
    context_length: 8192,
    architecture: {
      modality: 'text->text',
      input_modalities: ['text'],
      output_modalities: ['text'],
    },
    pricing: { prompt: '0', completion: '0' },
    supported_parameters: ['max_tokens'],
  },
]

export class LlmEmulator {
  #server: Server
  #sockets = new Set<Socket>()
  #timers = new Set<NodeJS.Timeout>()
  #pump = new TokenPump()
  #options: Required<Omit<LlmEmulatorOptions, 'openRouterModelsBody'>> & {
    openRouterModelsBody?: unknown
  }
  #port = 0
  readonly requests: EmulatorRequestRecord[] = []
  #oneShotFailures: { failure: EmulatorFailure; whenPromptIncludes: string | null }[] = []

  constructor(options: LlmEmulatorOptions = {}) {
    this.#options = {
      host: options.host ?? '127.0.0.1',
      port: options.port ?? 0,
      tokensPerSecond: options.tokensPerSecond ?? 0,
      timeToFirstTokenMs: options.timeToFirstTokenMs ?? 0,
      replyTokens: options.replyTokens ?? 24,
      isValidKey: options.isValidKey ?? ((key) => key.length > 0 && !key.startsWith('bad')),
      openRouterModels: options.openRouterModels ?? DEFAULT_OPENROUTER_MODELS,
      openRouterModelsBody: options.openRouterModelsBody,
      rememberRequests: options.rememberRequests ?? 500,
    }
    this.#server = createServer((req, res) => void this.#dispatch(req, res))
    // Many concurrent streams (benchmarks) must not be throttled by keep-alive defaults.
    this.#server.keepAliveTimeout = 5_000
    this.#server.on('connection', (socket) => {
      this.#sockets.add(socket)
      socket.on('close', () => this.#sockets.delete(socket))
    })
  }

  static async start(options: LlmEmulatorOptions = {}): Promise<LlmEmulator> {
    const emulator = new LlmEmulator(options)
    await emulator.listen()
    return emulator
  }

  async listen(): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.#server.once('error', reject)
      this.#server.listen(this.#options.port, this.#options.host, () => {
        this.#server.off('error', reject)
        resolve()
      })
    })
    const address = this.#server.address()
    if (address && typeof address === 'object') this.#port = address.port
  }

  get port(): number {
    return this.#port
  }

  get url(): string {
    return `http://${this.#options.host}:${this.#port}`
  }

  /* Base URLs each SDK/provider expects. */
  get openaiBaseUrl(): string {
    return `${this.url}/v1`
  }

  get openRouterBaseUrl(): string {
    return `${this.url}/api/v1`
  }

  get anthropicBaseUrl(): string {
    return `${this.url}/v1`
  }

  get googleBaseUrl(): string {
    return `${this.url}/v1beta`
  }

  /*
  | Makes the next generation request (chat completions or responses) whose
  | last user message contains `whenPromptIncludes` (any, when not given) fail
  | with `failure`, once; later ones answer normally. For a failure the
  | browser cannot ask for in the prompt without also failing the retry.
  */
  failNext(failure: EmulatorFailure, options: { whenPromptIncludes?: string } = {}): void {
    this.#oneShotFailures.push({ failure, whenPromptIncludes: options.whenPromptIncludes ?? null })
  }

  /* Change defaults (speed, accepted keys, models payload) between tests. */
  configure(options: Partial<LlmEmulatorOptions>): void {
    Object.assign(this.#options, options)
  }

  async close(): Promise<void> {
    this.#pump.stop()
    for (const timer of this.#timers) clearTimeout(timer)
    this.#timers.clear()
    for (const socket of this.#sockets) socket.destroy()
    await new Promise<void>((resolve) => this.#server.close(() => resolve()))
  }

  /* ---------------------------------------------------------------- routing */

  async #dispatch(req: IncomingMessage, res: ServerResponse) {
    const url = new URL(req.url ?? '/', 'http://emulator')
    const path = url.pathname.replace(/\/+$/, '')
    let body: unknown = null
    try {
      body = req.method === 'POST' ? await readJson(req) : null
    } catch (error) {
      return sendJson(res, 400, {
        error: { message: (error as Error).message, type: 'invalid_request_error', code: null },
      })
    }
    this.#remember({ method: req.method ?? 'GET', path, headers: req.headers, body })

    const handler = this.#route(req.method ?? 'GET', path, req)
    if (!handler) {
      return sendJson(res, 404, {
        error: { message: `Unknown route ${req.method} ${path}`, type: 'invalid_request_error' },
      })
    }
    try {
      await handler(req, res, body)
    } catch (error) {
      if (!res.headersSent) {
        sendJson(res, 500, {
          error: { message: `Emulator error: ${(error as Error).message}`, type: 'server_error' },
        })
      } else {
        res.destroy()
      }
    }
  }

  #route(method: string, path: string, req: IncomingMessage): Handler | null {
    if (method === 'POST' && path.endsWith('/chat/completions')) return this.#chatCompletions
    if (method === 'POST' && path.endsWith('/responses')) return this.#responses
    if (method === 'POST' && path.endsWith('/embeddings')) return this.#embeddings
    if (method === 'GET' && path === '/api/v1/models') return this.#openRouterModels
    if (method === 'GET' && path === '/api/v1/key') return this.#openRouterKey
    if (method === 'GET' && path === '/v1beta/models') return this.#googleModels
    if (method === 'GET' && path === '/v1/models') {
      return req.headers['x-api-key'] !== undefined ? this.#anthropicModels : this.#openaiModels
    }
    return null
  }

  #remember(record: EmulatorRequestRecord) {
    this.requests.push(record)
    if (this.requests.length > this.#options.rememberRequests) this.requests.shift()
  }

  /* ------------------------------------------------------------------- auth */

  #bearer(req: IncomingMessage): string {
    const header = req.headers.authorization ?? ''
    return header.toLowerCase().startsWith('bearer ') ? header.slice(7).trim() : ''
  }

  /* Returns true when the request may go on; otherwise it has answered 401. */
  #checkBearer(req: IncomingMessage, res: ServerResponse, openRouterShape = false): boolean {
    const key = this.#bearer(req)
    if (this.#options.isValidKey(key)) return true
    this.#unauthorized(res, key, openRouterShape)
    return false
  }

  #unauthorized(res: ServerResponse, key: string, openRouterShape: boolean) {
    if (openRouterShape) {
      return sendJson(res, 401, {
        error: {
          code: 401,
          message: key ? `User not found for key ${key}` : 'No auth credentials found',
        },
      })
    }
    sendJson(res, 401, {
      error: {
        message: key
          ? `Incorrect API key provided: ${key}. You can find your API key at https://platform.openai.com/account/api-keys.`
          : 'You did not provide an API key.',
        type: 'invalid_request_error',
        param: null,
        code: 'invalid_api_key',
      },
    })
  }

  /* Answers injected HTTP failures; true when it did. */
  #failEarly(
    req: IncomingMessage,
    res: ServerResponse,
    script: EmulatorScript,
    openRouterShape: boolean
  ): boolean {
    switch (script.failure) {
      case '401':
        this.#unauthorized(res, this.#bearer(req), openRouterShape)
        return true
      case '429':
        res.setHeader('retry-after', '1')
        sendJson(res, 429, {
          error: openRouterShape
            ? { code: 429, message: 'Rate limit exceeded: too many requests' }
            : {
                message: 'Rate limit reached for requests. Please try again in 1s.',
                type: 'requests',
                param: null,
                code: 'rate_limit_exceeded',
              },
        })
        return true
      case '500':
        sendJson(res, 500, {
          error: openRouterShape
            ? { code: 500, message: 'Internal Server Error' }
            : {
                message: 'The server had an error while processing your request.',
                type: 'server_error',
                param: null,
                code: null,
              },
        })
        return true
      case 'stall':
        // Headers go out, then nothing: the caller's stall detection must fire.
        res.writeHead(200, sseHeaders())
        res.flushHeaders()
        return true
      case 'drop':
        // A FIN and no response, as from a server closing a keep-alive connection it deems idle.
        req.socket.end()
        return true
      default:
        return false
    }
  }

  /* ----------------------------------------------------- chat completions */

  #chatCompletions: Handler = async (req, res, body) => {
    const openRouterShape = req.url?.startsWith('/api/') ?? false
    if (!this.#checkBearer(req, res, openRouterShape)) return
    if (!isRecord(body) || typeof body.model !== 'string' || !Array.isArray(body.messages)) {
      return sendJson(res, 400, {
        error: {
          message: "'model' and 'messages' are required",
          type: 'invalid_request_error',
          code: null,
        },
      })
    }
    const model = body.model
    const messages = body.messages as unknown[]
    const script = this.#script(model, req, lastUserText(messages), allText(messages), {
      settings: requestSettings(systemText(messages), body.temperature),
    })
    if (this.#failEarly(req, res, script, openRouterShape)) return

    const id = `chatcmpl-${randomUUID()}`
    const created = Math.floor(Date.now() / 1000)
    const usage = this.#usage(script, model, openRouterShape)
    const finishReason = script.failure === 'content_filter' ? 'content_filter' : 'stop'

    if (body.stream !== true) {
      await this.#sleep(
        res,
        script.timeToFirstTokenMs + script.holdMs + spanMs(script, script.tokens.length)
      )
      if (res.destroyed) return
      if (script.failure === 'cut') {
        res.writeHead(200, { 'content-type': 'application/json' })
        res.write('{"id":"' + id + '","object":"chat.completion","choi')
        return void res.socket?.end()
      }
      return sendJson(res, 200, {
        id,
        object: 'chat.completion',
        created,
        model,
        choices: [
          {
            index: 0,
            message: { role: 'assistant', content: script.tokens.join(''), refusal: null },
            logprobs: null,
            finish_reason: finishReason,
          },
        ],
        usage,
      })
    }

    const chunk = (delta: Record<string, unknown>, finish: string | null) => ({
      id,
      object: 'chat.completion.chunk',
      created,
      model,
      choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }],
    })
    // Token frames by concatenation: one JSON.stringify of the token, not of the whole chunk.
    const head = `data: {"id":${JSON.stringify(id)},"object":"chat.completion.chunk","created":${created},"model":${JSON.stringify(model)},"choices":[{"index":0,"delta":{`
    const tail = `},"logprobs":null,"finish_reason":null}]}\n\n`

    res.writeHead(200, sseHeaders())
    res.flushHeaders()
    // A reasoning model: reasoning deltas without content first, as OpenRouter streams them.
    // One per 100 ms by count, not by clock: a busy loop delays them but never drops one.
    const thinkSteps = Math.ceil(script.thinkMs / 100)
    for (let step = 1; step <= thinkSteps && !res.destroyed; step++) {
      res.write(sseData(chunk({ content: null, reasoning: `Thinking, step ${step}. ` }, null)))
      await this.#sleep(res, 100)
    }
    if (res.destroyed) return
    await this.#streamTokens(
      res,
      script,
      (token, index) =>
        `${head}${index === 0 ? '"role":"assistant",' : ''}"content":${JSON.stringify(token)}${tail}`
    )
    if (res.destroyed || script.failure === 'cut' || script.failure === 'stall-mid') return
    res.write(sseData(chunk({}, finishReason)))
    res.write(sseData({ id, object: 'chat.completion.chunk', created, model, choices: [], usage }))
    res.end('data: [DONE]\n\n')
  }

  /* ------------------------------------------------------- responses API */

  #responses: Handler = async (req, res, body) => {
    if (!this.#checkBearer(req, res)) return
    if (!isRecord(body) || typeof body.model !== 'string' || body.input === undefined) {
      return sendJson(res, 400, {
        error: { message: "'model' and 'input' are required", type: 'invalid_request_error' },
      })
    }
    const model = body.model
    const items: unknown[] =
      typeof body.input === 'string'
        ? [{ role: 'user', content: body.input }]
        : (body.input as unknown[])
    const instructions = typeof body.instructions === 'string' ? body.instructions : ''
    const script = this.#script(
      model,
      req,
      lastUserText(items),
      `${instructions} ${allText(items)}`,
      {
        settings: requestSettings(
          [instructions, systemText(items)].filter(Boolean).join('\n\n'),
          body.temperature
        ),
      }
    )
    if (this.#failEarly(req, res, script, false)) return

    const responseId = `resp_${randomUUID().replaceAll('-', '')}`
    const messageId = `msg_${randomUUID().replaceAll('-', '')}`
    const createdAt = Math.floor(Date.now() / 1000)
    const text = script.tokens.join('')
    const filtered = script.failure === 'content_filter'
    const usage = {
      input_tokens: script.promptTokens,
      input_tokens_details: { cached_tokens: 0 },
      output_tokens: script.tokens.length,
      output_tokens_details: { reasoning_tokens: 0 },
      total_tokens: script.promptTokens + script.tokens.length,
    }
    const outputText = { type: 'output_text', text, annotations: [], logprobs: [] }
    const message = {
      type: 'message',
      id: messageId,
      status: filtered ? 'incomplete' : 'completed',
      role: 'assistant',
      content: [outputText],
    }
    const response = (status: string, withOutput: boolean) => ({
      id: responseId,
      object: 'response',
      created_at: createdAt,
      status,
      model,
      output: withOutput ? [message] : [],
      incomplete_details: filtered && withOutput ? { reason: 'content_filter' } : null,
      usage: withOutput ? usage : null,
      error: null,
    })

    if (body.stream !== true) {
      await this.#sleep(
        res,
        script.timeToFirstTokenMs + script.holdMs + spanMs(script, script.tokens.length)
      )
      if (res.destroyed) return
      if (script.failure === 'cut') {
        res.writeHead(200, { 'content-type': 'application/json' })
        res.write(`{"id":"${responseId}","object":"resp`)
        return void res.socket?.end()
      }
      return sendJson(res, 200, response(filtered ? 'incomplete' : 'completed', true))
    }

    let sequence = 0
    const event = (type: string, payload: Record<string, unknown>) =>
      `event: ${type}\ndata: ${JSON.stringify({ type, sequence_number: sequence++, ...payload })}\n\n`
    const position = { item_id: messageId, output_index: 0, content_index: 0 }

    res.writeHead(200, sseHeaders())
    res.write(event('response.created', { response: response('in_progress', false) }))
    res.write(event('response.in_progress', { response: response('in_progress', false) }))
    res.write(
      event('response.output_item.added', {
        output_index: 0,
        item: {
          type: 'message',
          id: messageId,
          status: 'in_progress',
          role: 'assistant',
          content: [],
        },
      })
    )
    res.write(
      event('response.content_part.added', {
        ...position,
        part: { type: 'output_text', text: '', annotations: [] },
      })
    )
    await this.#streamTokens(res, script, (token) =>
      event('response.output_text.delta', { ...position, delta: token, logprobs: [] })
    )
    if (res.destroyed || script.failure === 'cut' || script.failure === 'stall-mid') return
    res.write(event('response.output_text.done', { ...position, text, logprobs: [] }))
    res.write(event('response.content_part.done', { ...position, part: outputText }))
    res.write(event('response.output_item.done', { output_index: 0, item: message }))
    res.end(
      filtered
        ? event('response.incomplete', { response: response('incomplete', true) })
        : event('response.completed', { response: response('completed', true) })
    )
  }

  /* ---------------------------------------------------------- embeddings */

  #embeddings: Handler = (req, res, body) => {
    if (!this.#checkBearer(req, res)) return
    const input = isRecord(body) ? body.input : undefined
    const texts =
      typeof input === 'string'
        ? [input]
        : Array.isArray(input) && input.every((item) => typeof item === 'string')
          ? (input as string[])
          : null
    if (!isRecord(body) || typeof body.model !== 'string' || !texts || texts.length === 0) {
      return sendJson(res, 400, {
        error: {
          message: "'model' and 'input' (a string or strings) are required",
          type: 'invalid_request_error',
        },
      })
    }
    const failure = this.#script(body.model, req, texts.join(' '), '', {
      generation: false,
    }).failure
    if (failure === '401' || failure === '429' || failure === '500') {
      this.#failEarly(req, res, { failure } as EmulatorScript, false)
      return
    }
    const requested = Number(body.dimensions)
    const dimensions =
      Number.isInteger(requested) && requested > 0 && requested <= 4096 ? requested : 384
    const base64 = body.encoding_format === 'base64'
    const promptTokens = texts.reduce((sum, text) => sum + countWords(text), 0)
    sendJson(res, 200, {
      object: 'list',
      model: body.model,
      data: texts.map((text, index) => {
        const vector = embed(text, dimensions)
        return {
          object: 'embedding',
          index,
          embedding: base64
            ? Buffer.from(new Float32Array(vector).buffer).toString('base64')
            : vector,
        }
      }),
      usage: { prompt_tokens: promptTokens, total_tokens: promptTokens },
    })
  }

  /* ---------------------------------------------------------- model lists */

  #openaiModels: Handler = (req, res) => {
    if (!this.#checkBearer(req, res)) return
    sendJson(res, 200, {
      object: 'list',
      data: [
        'gpt-5',
        'gpt-5-mini',
        'gpt-4.1',
        'gpt-4o-mini',
        'text-embedding-3-small',
        'emulator',
      ].map((id) => ({ id, object: 'model', created: 1700000000, owned_by: 'emulator' })),
    })
  }

  #anthropicModels: Handler = (req, res) => {
    const key = String(req.headers['x-api-key'] ?? '')
    if (!this.#options.isValidKey(key)) {
      return sendJson(res, 401, {
        type: 'error',
        error: { type: 'authentication_error', message: 'invalid x-api-key' },
      })
    }
    const data = ['claude-sonnet-4-5', 'claude-haiku-4-5', 'claude-opus-4-1'].map((id) => ({
      type: 'model',
      id,
      display_name: id,
      created_at: '2025-09-29T00:00:00Z',
    }))
    sendJson(res, 200, { data, has_more: false, first_id: data[0].id, last_id: data.at(-1)!.id })
  }

  #googleModels: Handler = (req, res) => {
    const key = String(req.headers['x-goog-api-key'] ?? '')
    if (!this.#options.isValidKey(key)) {
      return sendJson(res, 400, {
        error: {
          code: 400,
          message: 'API key not valid. Please pass a valid API key.',
          status: 'INVALID_ARGUMENT',
          details: [
            { '@type': 'type.googleapis.com/google.rpc.ErrorInfo', 'reason': 'API_KEY_INVALID' },
          ],
        },
      })
    }
    sendJson(res, 200, {
      models: ['gemini-2.5-flash', 'gemini-2.5-pro'].map((id) => ({
        name: `models/${id}`,
        displayName: id,
        inputTokenLimit: 1048576,
        outputTokenLimit: 65536,
        supportedGenerationMethods: ['generateContent', 'countTokens'],
      })),
    })
  }

  #openRouterModels: Handler = (_req, res) => {
    sendJson(
      res,
      200,
      this.#options.openRouterModelsBody ?? { data: this.#options.openRouterModels }
    )
  }

  #openRouterKey: Handler = (req, res) => {
    if (!this.#checkBearer(req, res, true)) return
    const key = this.#bearer(req)
    sendJson(res, 200, {
      data: {
        label: `${key.slice(0, 8)}...${key.slice(-3)}`,
        limit: null,
        limit_remaining: null,
        usage: 0,
        is_free_tier: false,
        is_provisioning_key: false,
        rate_limit: { requests: -1, interval: '10s' },
      },
    })
  }

  /* -------------------------------------------------------------- helpers */

  #script(
    model: string,
    req: IncomingMessage,
    lastUser: string,
    prompt: string,
    { generation = true, settings }: { generation?: boolean; settings?: RequestSettings } = {}
  ): EmulatorScript {
    const defaults: ScriptDefaults = {
      tokensPerSecond: this.#options.tokensPerSecond,
      timeToFirstTokenMs: this.#options.timeToFirstTokenMs,
      replyTokens: this.#options.replyTokens,
    }
    const script = buildScript({
      model,
      lastUserText: lastUser,
      promptText: prompt,
      headers: req.headers,
      defaults,
      settings,
    })
    if (!generation || script.failure) return script
    const index = this.#oneShotFailures.findIndex(
      (entry) => entry.whenPromptIncludes === null || lastUser.includes(entry.whenPromptIncludes)
    )
    if (index === -1) return script
    const [entry] = this.#oneShotFailures.splice(index, 1)
    return { ...script, failure: entry.failure }
  }

  #usage(script: EmulatorScript, model: string, withCost: boolean) {
    const usage: Record<string, unknown> = {
      prompt_tokens: script.promptTokens,
      completion_tokens: script.tokens.length,
      total_tokens: script.promptTokens + script.tokens.length,
    }
    if (withCost) {
      const pricing = this.#options.openRouterModels.find((entry) => entry.id === model)?.pricing
      usage.cost =
        script.costUsd ??
        (pricing
          ? script.promptTokens * Number(pricing.prompt) +
            script.tokens.length * Number(pricing.completion)
          : 0)
    }
    return usage
  }

  /*
  | Writes tokens on schedule: the first exactly at the time to first token
  | (its own timer, so TTFT measurements stay precise), the rest at the
  | requested rate from one shared pump for all open streams, several due
  | tokens coalesced into one write. Thousands of concurrent streams then cost
  | one timer, not one per token. `cut` ends the socket halfway; `stall-mid`
  | goes silent halfway and keeps the connection open.
  */
  async #streamTokens(
    res: ServerResponse,
    script: EmulatorScript,
    frame: (token: string, index: number) => string
  ) {
    const stopAt =
      script.failure === 'cut' || script.failure === 'stall-mid'
        ? Math.max(1, Math.floor(script.tokens.length / 2))
        : script.tokens.length
    const started = performance.now()

    if (script.timeToFirstTokenMs > 0) await this.#sleep(res, script.timeToFirstTokenMs)
    if (res.destroyed) return

    let next = 0
    if (script.holdMs > 0) {
      res.write(frame(script.tokens[0], 0))
      next = 1
      await this.#sleep(res, script.holdMs)
      if (res.destroyed) return
    }
    if (!script.tokensPerSecond) {
      let all = ''
      for (let index = next; index < stopAt; index++) all += frame(script.tokens[index], index)
      if (all) res.write(all)
    } else {
      if (next === 0) res.write(frame(script.tokens[0], 0))
      const firstAt = started + script.timeToFirstTokenMs + script.holdMs
      await this.#pump.run({ res, next: 1, stopAt, firstAt, script, frame })
    }
    if (res.destroyed) return
    // Flush what was written, then drop the connection without the stream's proper end.
    if (script.failure === 'cut') res.socket?.end()
  }

  /* A timer the server can cancel on close, cut short when the client goes away. */
  #sleep(res: ServerResponse, ms: number): Promise<void> {
    if (ms <= 0) return Promise.resolve()
    return new Promise((resolve) => {
      const finish = () => {
        clearTimeout(timer)
        this.#timers.delete(timer)
        res.off('close', finish)
        resolve()
      }
      const timer = setTimeout(finish, ms)
      this.#timers.add(timer)
      res.once('close', finish)
    })
  }
}

interface PumpedStream {
  res: ServerResponse
  next: number
  stopAt: number
  /* performance.now() of the first token. */
  firstAt: number
  script: EmulatorScript
  frame: (token: string, index: number) => string
  done?: () => void
}

/* One timer that feeds every open stream the tokens due since the last tick. */
class TokenPump {
  static TICK_MS = 4
  #streams = new Set<PumpedStream>()
  #timer: NodeJS.Timeout | null = null

  run(stream: PumpedStream): Promise<void> {
    return new Promise((resolve) => {
      stream.done = resolve
      this.#streams.add(stream)
      stream.res.once('close', () => this.#finish(stream))
      this.#timer ??= setInterval(() => this.#tick(), TokenPump.TICK_MS)
    })
  }

  stop() {
    if (this.#timer) clearInterval(this.#timer)
    this.#timer = null
    for (const stream of this.#streams) stream.done?.()
    this.#streams.clear()
  }

  #finish(stream: PumpedStream) {
    if (!this.#streams.delete(stream)) return
    stream.done?.()
    if (this.#streams.size === 0 && this.#timer) {
      clearInterval(this.#timer)
      this.#timer = null
    }
  }

  #tick() {
    const now = performance.now()
    for (const stream of this.#streams) {
      if (stream.res.destroyed) {
        this.#finish(stream)
        continue
      }
      const elapsed = now - stream.firstAt
      const due = Math.min(
        stream.stopAt,
        Math.floor((elapsed * stream.script.tokensPerSecond) / 1000) + 1
      )
      if (due <= stream.next) continue
      let chunk = ''
      for (let index = stream.next; index < due; index++) {
        chunk += stream.frame(stream.script.tokens[index], index)
      }
      stream.next = due
      stream.res.write(chunk)
      if (stream.next >= stream.stopAt) this.#finish(stream)
    }
  }
}

/* Milliseconds from the first token to token `index` at the script's rate. */
function spanMs(script: EmulatorScript, index: number): number {
  if (!script.tokensPerSecond || index <= 0) return 0
  return (index * 1000) / script.tokensPerSecond
}

function sseHeaders() {
  return {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache',
    'connection': 'keep-alive',
  }
}

function sseData(payload: unknown) {
  return `data: ${JSON.stringify(payload)}\n\n`
}

function sendJson(res: ServerResponse, status: number, payload: unknown) {
  if (res.headersSent || res.destroyed) return
  const body = JSON.stringify(payload)
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(body),
  })
  res.end(body)
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of req) {
    size += (chunk as Buffer).length
    if (size > MAX_BODY_BYTES) throw new Error('Request body too large')
    chunks.push(chunk as Buffer)
  }
  const text = Buffer.concat(chunks).toString('utf8')
  if (!text) return null
  try {
    return JSON.parse(text)
  } catch {
    throw new Error('Request body is not valid JSON')
  }
}

function isRecord(value: unknown): value is Record<string, any> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/* Text of a chat message or Responses input item, whatever its content shape. */
function contentText(content: unknown): string {
  if (typeof content === 'string') return content
  if (!Array.isArray(content)) return ''
  return content
    .map((part) => (isRecord(part) && typeof part.text === 'string' ? part.text : ''))
    .filter(Boolean)
    .join(' ')
}

function lastUserText(messages: unknown[]): string {
  for (let index = messages.length - 1; index >= 0; index--) {
    const message = messages[index]
    if (isRecord(message) && message.role === 'user') return contentText(message.content)
  }
  return ''
}

function allText(messages: unknown[]): string {
  return messages
    .map((message) => (isRecord(message) ? contentText(message.content) : ''))
    .join(' ')
}

/* The system text of a conversation: its system and developer messages (the SDKs send either). */
function systemText(messages: unknown[]): string {
  return messages
    .filter(
      (message) => isRecord(message) && (message.role === 'system' || message.role === 'developer')
    )
    .map((message) => contentText((message as Record<string, unknown>).content))
    .join('\n\n')
}

function requestSettings(system: string, temperature: unknown): RequestSettings {
  return {
    systemText: system || null,
    temperature: typeof temperature === 'number' ? temperature : null,
  }
}
