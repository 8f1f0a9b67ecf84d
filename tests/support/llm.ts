import app from '@adonisjs/core/services/app'
import logger from '@adonisjs/core/services/logger'
import encryption from '@adonisjs/core/services/encryption'
import type { BrowserSession } from '#tests/helpers/browser_session'
import { LlmEmulator, type LlmEmulatorOptions } from '#llm/emulator/llm_emulator'
import LlmEndpoints from '#llm/llm_endpoints'
import PlatformKeys from '#keys/platform_keys'
import type { ModelProvider } from '#catalog/catalog_types'

/*
| Test support for models and keys:
| - an LLM emulator on a loopback port, with every provider endpoint of the
|   running test server pointed at it (container swap of LlmEndpoints) and,
|   optionally, platform keys the emulator accepts;
| - JSON requests in a signed-in BrowserSession (cookies, XSRF header), and
|   what the encrypted cookies a response sets hold;
| - a capture of everything the app logs meanwhile, at trace level.
*/

export async function startEmulatorForApp(
  options: LlmEmulatorOptions & { platformKeys?: Partial<Record<ModelProvider, string>> } = {}
): Promise<{ emulator: LlmEmulator; stop: () => Promise<void> }> {
  const emulator = await LlmEmulator.start(options)
  app.container.swap(LlmEndpoints, () => LlmEndpoints.forEmulator(emulator))
  app.container.swap(PlatformKeys, () => new PlatformKeys(options.platformKeys ?? {}))
  return {
    emulator,
    stop: async () => {
      app.container.restore(LlmEndpoints)
      app.container.restore(PlatformKeys)
      await emulator.close()
    },
  }
}

export interface JsonResponse {
  status: number
  headers: Headers
  text: string
  body: any
}

export async function jsonRequest(
  session: BrowserSession,
  method: string,
  path: string,
  body?: unknown,
  extraHeaders: Record<string, string> = {}
): Promise<JsonResponse> {
  const url = session.url(path)
  const response = await fetch(url, {
    method,
    headers: {
      ...session.headers(url.pathname),
      accept: 'application/json',
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...extraHeaders,
    },
    body: body === undefined ? undefined : JSON.stringify(body),
    redirect: 'manual',
  })
  session.jar.store(response.headers.getSetCookie(), url)
  const text = await response.text()
  let parsed: unknown = null
  try {
    parsed = text ? JSON.parse(text) : null
  } catch {
    parsed = null
  }
  return { status: response.status, headers: response.headers, text, body: parsed }
}

/* The plain contents of every encrypted cookie (the session store included) a response sets. */
export function decryptedCookies(headers: Headers): string[] {
  return headers.getSetCookie().flatMap((header) => {
    const [pair] = header.split(';')
    const name = pair.slice(0, pair.indexOf('='))
    const value = decodeURIComponent(pair.slice(pair.indexOf('=') + 1))
    if (!value.startsWith('e:')) return []
    const plain = encryption.decrypt(value.slice(2), name)
    return plain === null ? [] : [JSON.stringify(plain)]
  })
}

/*
| Tees every line the app's loggers write into memory, at trace level, until
| stop(). Lines are not forwarded, so the test output stays quiet. The logger
| service is itself a logger (requests log through its children) and
| `logger.use()` is another; both are captured.
*/
export function captureLogs(): { lines: string[]; stop: () => void } {
  const lines: string[] = []
  const restores: Array<() => void> = []
  const instances = new Set([logger.pino, logger.use().pino])
  for (const instance of instances) {
    const pino = instance as unknown as Record<symbol, any> & { level: string }
    const streamSymbol = Object.getOwnPropertySymbols(pino).find(
      (symbol) => symbol.description === 'pino.stream'
    )
    if (!streamSymbol) throw new Error('captureLogs: cannot find the pino stream')
    const stream = pino[streamSymbol]
    const originalWrite = stream.write
    const originalLevel = pino.level
    stream.write = (chunk: string | Uint8Array) => {
      lines.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'))
      return true
    }
    pino.level = 'trace'
    restores.push(() => {
      stream.write = originalWrite
      pino.level = originalLevel
    })
  }
  return { lines, stop: () => restores.forEach((restore) => restore()) }
}
