/*
| What the emulator answers and how, decided from the request alone so a test
| can predict every byte. Directives ride in the prompt text (they survive any
| SDK), a request header (x-emulator-*), or a model name suffix
| (`emulator-429`), in that order of strength: header > model > prompt.
*/

export const EMULATOR_FAILURES = [
  '401',
  '429',
  '500',
  'stall',
  'stall-mid',
  'cut',
  'content_filter',
  // The connection closes before any byte of the answer: as a client sees a provider that
  // closed an idle keep-alive connection just as the client sent a request on it.
  'drop',
] as const
export type EmulatorFailure = (typeof EMULATOR_FAILURES)[number]

export interface EmulatorScript {
  tokens: string[]
  failure: EmulatorFailure | null
  tokensPerSecond: number
  timeToFirstTokenMs: number
  /* A pause after the first token before the rest (`[[hold:20]]`): the answer stays open a while. */
  holdMs: number
  /*
  | Reasoning before the first token (`[[think:3000]]`): Chat Completions
  | streams send a `reasoning` delta (no content) per 100 ms of it, 100 ms
  | apart, as a reasoning model does through OpenRouter.
  */
  thinkMs: number
  /*
  | What the OpenRouter shape reports as the answer's cost (usage.cost, USD)
  | instead of the price list's (`[[cost:0.0042]]`): as OpenRouter's routing
  | charges a price other than the listed one.
  */
  costUsd: number | null
  promptTokens: number
}

export interface ScriptDefaults {
  tokensPerSecond: number
  timeToFirstTokenMs: number
  replyTokens: number
}

const LOREM =
  'lorem ipsum dolor sit amet consectetur adipiscing elit sed do eiusmod tempor incididunt ut labore et dolore magna aliqua'.split(
    ' '
  )

const MAX_REPLY_TOKENS = 100_000
const ECHO_WORDS = 16

const DIRECTIVE = /\[\[(\w+):([\w.-]+)\]\]/g

export function isEmulatorFailure(value: string | undefined | null): value is EmulatorFailure {
  return !!value && (EMULATOR_FAILURES as readonly string[]).includes(value)
}

/* `emulator-429` or `dev/emulator-cut` select a failure by model name. */
export function failureFromModel(model: string): EmulatorFailure | null {
  const match = /-([\w]+(?:-mid)?)$/.exec(model)
  return match && isEmulatorFailure(match[1]) ? match[1] : null
}

function parseDirectives(text: string): Map<string, string> {
  const found = new Map<string, string>()
  for (const match of text.matchAll(DIRECTIVE)) found.set(match[1].toLowerCase(), match[2])
  return found
}

function numberOr(value: string | undefined | null, fallback: number, max: number): number {
  if (value === undefined || value === null || value === '') return fallback
  const parsed = Number(value)
  if (!Number.isFinite(parsed) || parsed < 0) return fallback
  return Math.min(parsed, max)
}

export function countWords(text: string): number {
  const words = text.trim().split(/\s+/).filter(Boolean)
  return words.length
}

/*
| The reply: "Echo:" then up to 16 words of the last user message (directives
| removed), then lorem ipsum until the requested length. One token = one word;
| every token after the first carries its leading space, so joining the
| deltas gives the text.
*/
export function replyTokens(lastUserText: string, count: number): string[] {
  const echo = lastUserText.replace(DIRECTIVE, ' ').trim().split(/\s+/).filter(Boolean)
  const words = ['Echo:', ...echo.slice(0, ECHO_WORDS)]
  for (let index = 0; words.length < count; index++) words.push(LOREM[index % LOREM.length])
  return words.slice(0, Math.max(1, count)).map((word, index) => (index === 0 ? word : ` ${word}`))
}

/*
| A title request (the app's automatic chat title) gets a title, not an
| echo of the instructions: the first words of the quoted message, so a dev
| chat is named after what the person asked.
*/
const TITLE_REQUEST = /^Write a title of at most \w+ words[^\n]*\n\n([\s\S]*)$/
const TITLE_WORDS = 5

export function titleTokens(lastUserText: string): string[] | null {
  const match = TITLE_REQUEST.exec(lastUserText.trim())
  if (!match) return null
  const words = match[1].replace(DIRECTIVE, ' ').trim().split(/\s+/).filter(Boolean)
  if (words.length === 0) return null
  return words.slice(0, TITLE_WORDS).map((word, index) => (index === 0 ? word : ` ${word}`))
}

/*
| What a request asked the model to be: its system text (system or developer
| messages, Responses `instructions`) and temperature, null when absent.
*/
export interface RequestSettings {
  systemText: string | null
  temperature: number | null
}

/* Words of a text, one token each (the echo keeps them, not their spacing). */
function wordsOf(text: string, ifNone: string): string[] {
  const found = text.trim().split(/\s+/).filter(Boolean)
  return found.length > 0 ? found : [ifNone]
}

const ECHO_TARGETS = new Map<string, ReadonlyArray<keyof RequestSettings>>([
  ['system', ['systemText']],
  ['temperature', ['temperature']],
  ['settings', ['systemText', 'temperature']],
])

/*
| `[[echo:system]]`, `[[echo:temperature]]` or `[[echo:settings]]` (both):
| the answer says what the request carried, so a test driving the app from
| the outside (a browser) can see what the app sent the model. One paragraph
| per setting; "(none)" / "(default)" when the request had none.
*/
export function settingsEchoTokens(
  target: string | undefined,
  settings: RequestSettings
): string[] | null {
  const fields = target ? ECHO_TARGETS.get(target.toLowerCase()) : undefined
  if (!fields) return null
  const tokens: string[] = []
  for (const field of fields) {
    const line =
      field === 'systemText'
        ? ['System:', ...wordsOf(settings.systemText ?? '', '(none)')]
        : [
            'Temperature:',
            settings.temperature === null ? '(default)' : String(settings.temperature),
          ]
    line.forEach((word, index) => {
      const separator = index > 0 ? ' ' : tokens.length > 0 ? '\n\n' : ''
      tokens.push(`${separator}${word}`)
    })
  }
  return tokens
}

export function buildScript(input: {
  model: string
  lastUserText: string
  promptText: string
  headers: Record<string, string | string[] | undefined>
  defaults: ScriptDefaults
  /* Absent: as a request without system text or temperature. */
  settings?: RequestSettings
}): EmulatorScript {
  const directives = parseDirectives(input.lastUserText)
  const header = (name: string) => {
    const value = input.headers[name]
    return Array.isArray(value) ? value[0] : value
  }

  const headerFailure = header('x-emulator-fail')
  const promptFailure = directives.get('fail')
  const failure = isEmulatorFailure(headerFailure)
    ? headerFailure
    : (failureFromModel(input.model) ?? (isEmulatorFailure(promptFailure) ? promptFailure : null))

  const count = Math.max(
    1,
    Math.floor(
      numberOr(
        header('x-emulator-tokens') ?? directives.get('tokens'),
        input.defaults.replyTokens,
        MAX_REPLY_TOKENS
      )
    )
  )

  return {
    tokens:
      titleTokens(input.lastUserText) ??
      settingsEchoTokens(
        directives.get('echo'),
        input.settings ?? { systemText: null, temperature: null }
      ) ??
      replyTokens(input.lastUserText, count),
    failure,
    tokensPerSecond: numberOr(
      header('x-emulator-tps') ?? directives.get('tps'),
      input.defaults.tokensPerSecond,
      1_000_000
    ),
    timeToFirstTokenMs: numberOr(
      header('x-emulator-ttft-ms') ?? directives.get('ttft'),
      input.defaults.timeToFirstTokenMs,
      600_000
    ),
    holdMs: numberOr(header('x-emulator-hold-ms') ?? directives.get('hold'), 0, 600_000),
    thinkMs: numberOr(header('x-emulator-think-ms') ?? directives.get('think'), 0, 600_000),
    costUsd: directives.has('cost') ? numberOr(directives.get('cost'), 0, 1_000) : null,
    promptTokens: Math.max(1, countWords(input.promptText.replace(DIRECTIVE, ' '))),
  }
}

/*
| Deterministic embeddings with a little meaning: each word hashes to a few
| signed dimensions (feature hashing), so texts sharing words come out close
| under cosine similarity, which retrieval tests can rely on.
*/
export function embed(text: string, dimensions: number): number[] {
  const vector = new Array<number>(dimensions).fill(0)
  const words = text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []
  for (const word of words) {
    for (let probe = 0; probe < 3; probe++) {
      const hash = fnv1a(`${probe}:${word}`)
      vector[hash % dimensions] += hash & 0x80000000 ? -1 : 1
    }
  }
  const norm = Math.sqrt(vector.reduce((sum, value) => sum + value * value, 0))
  if (norm === 0) {
    vector[0] = 1
    return vector
  }
  return vector.map((value) => value / norm)
}

function fnv1a(text: string): number {
  let hash = 0x811c9dc5
  for (let index = 0; index < text.length; index++) {
    hash ^= text.charCodeAt(index)
    hash = Math.imul(hash, 0x01000193) >>> 0
  }
  return hash >>> 0
}
