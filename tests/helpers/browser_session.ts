import { randomInt } from 'node:crypto'
import env from '#start/env'

/*
| A scripted browser for functional tests: real HTTP to the test server,
| a cookie jar that honours Path, Max-Age and Expires, redirects followed
| by hand so a test can stop at any hop. Each session has its own client
| address (X-Forwarded-For from loopback, which config/app.ts trusts), so
| per-IP rate limits of one test never spill into another.
*/

interface StoredCookie {
  value: string
  path: string
  expiresAt: number | null
}

export class CookieJar {
  #cookies = new Map<string, StoredCookie>()

  store(setCookieHeaders: string[], requestUrl: URL) {
    for (const header of setCookieHeaders) {
      const [pair, ...attributes] = header.split(';')
      const separator = pair.indexOf('=')
      if (separator < 1) continue
      const name = pair.slice(0, separator).trim()
      const value = pair.slice(separator + 1).trim()
      let path = requestUrl.pathname.replace(/\/[^/]*$/, '') || '/'
      let expiresAt: number | null = null
      for (const attribute of attributes) {
        const [rawKey, ...rest] = attribute.split('=')
        const key = rawKey.trim().toLowerCase()
        const attributeValue = rest.join('=').trim()
        if (key === 'path') path = attributeValue || '/'
        if (key === 'max-age') expiresAt = Date.now() + Number(attributeValue) * 1000
        if (key === 'expires' && expiresAt === null) expiresAt = Date.parse(attributeValue)
      }
      const key = `${name};${path}`
      if (expiresAt !== null && expiresAt <= Date.now()) {
        this.#cookies.delete(key)
      } else {
        this.#cookies.set(key, { value, path, expiresAt })
      }
    }
  }

  #matching(pathname: string) {
    const now = Date.now()
    return (
      [...this.#cookies.entries()]
        .filter(([, cookie]) => cookie.expiresAt === null || cookie.expiresAt > now)
        .filter(([, { path }]) => {
          if (path === '/' || pathname === path) return true
          return pathname.startsWith(path.endsWith('/') ? path : `${path}/`)
        })
        /* Longer paths first, as browsers send them. */
        .sort(([, a], [, b]) => b.path.length - a.path.length)
        .map(([key, cookie]) => ({ name: key.slice(0, key.lastIndexOf(';')), value: cookie.value }))
    )
  }

  /* The Cookie header a browser would send to this path. */
  header(pathname = '/'): string {
    return this.#matching(pathname)
      .map(({ name, value }) => `${name}=${value}`)
      .join('; ')
  }

  get(name: string, pathname = '/'): string | undefined {
    return this.#matching(pathname).find((cookie) => cookie.name === name)?.value
  }

  clone(): CookieJar {
    const copy = new CookieJar()
    for (const [key, cookie] of this.#cookies) copy.#cookies.set(key, { ...cookie })
    return copy
  }
}

/* An address from 198.18.0.0/15, the range set aside for benchmarks and tests. */
export function testClientIp(): string {
  return `198.${18 + randomInt(2)}.${randomInt(256)}.${1 + randomInt(254)}`
}

export function appBaseUrl(): string {
  return env.get('APP_URL').replace(/\/+$/, '')
}

export interface RequestOptions {
  method?: string
  /* Sent as application/x-www-form-urlencoded. */
  form?: Record<string, string>
  headers?: Record<string, string>
  /* Add the X-XSRF-TOKEN header from the XSRF-TOKEN cookie, as the Inertia client does. */
  csrf?: boolean
}

export class BrowserSession {
  readonly jar: CookieJar
  readonly ip: string
  /* Where this browser goes: the test server (APP_URL), or another server process a test started. */
  readonly baseUrl: string

  constructor(options: { ip?: string; jar?: CookieJar; baseUrl?: string } = {}) {
    this.ip = options.ip ?? testClientIp()
    this.jar = options.jar ?? new CookieJar()
    this.baseUrl = (options.baseUrl ?? appBaseUrl()).replace(/\/+$/, '')
  }

  /* Same cookies, same address: what a second tab (or an attacker replaying them) would send. */
  fork(): BrowserSession {
    return new BrowserSession({ ip: this.ip, jar: this.jar.clone(), baseUrl: this.baseUrl })
  }

  url(pathOrUrl: string): URL {
    return new URL(pathOrUrl, `${this.baseUrl}/`)
  }

  /* The XSRF-TOKEN cookie as shield expects it back in X-XSRF-TOKEN. */
  xsrfToken(): string | undefined {
    return this.jar.get('XSRF-TOKEN')
  }

  /* Headers to reuse this session with @japa/api-client or ws: Cookie, X-Forwarded-For, X-XSRF-TOKEN. */
  headers(pathname = '/'): Record<string, string> {
    const headers: Record<string, string> = {
      'cookie': this.jar.header(pathname),
      'x-forwarded-for': this.ip,
    }
    const xsrf = this.xsrfToken()
    if (xsrf) headers['x-xsrf-token'] = xsrf
    return headers
  }

  /* One HTTP request, no redirect followed; cookies stored. */
  async request(pathOrUrl: string, options: RequestOptions = {}): Promise<Response> {
    const url = this.url(pathOrUrl)
    const headers: Record<string, string> = {
      'x-forwarded-for': this.ip,
      'accept': 'text/html,application/xhtml+xml',
      ...options.headers,
    }
    const cookie = this.jar.header(url.pathname)
    if (cookie) headers.cookie = cookie
    if (options.csrf) {
      const xsrf = this.xsrfToken()
      if (xsrf) headers['x-xsrf-token'] = xsrf
    }
    let body: string | undefined
    if (options.form) {
      body = new URLSearchParams(options.form).toString()
      headers['content-type'] = 'application/x-www-form-urlencoded'
    }
    const response = await fetch(url, {
      method: options.method ?? (options.form ? 'POST' : 'GET'),
      headers,
      body,
      redirect: 'manual',
    })
    this.jar.store(response.headers.getSetCookie(), url)
    return response
  }

  /* Follows redirects with GETs, as a browser does after a 302/303, until a non-redirect or `stopAt` matches. */
  async follow(
    response: Response,
    options: { maxHops?: number; stopAt?: (location: URL) => boolean } = {}
  ): Promise<{ response: Response; url: URL; hops: URL[] }> {
    const hops: URL[] = []
    let current = response
    let url = new URL(current.url)
    for (let hop = 0; hop < (options.maxHops ?? 10); hop++) {
      const location = current.headers.get('location')
      if (current.status < 300 || current.status >= 400 || !location) break
      url = new URL(location, url)
      hops.push(url)
      if (options.stopAt?.(url)) return { response: current, url, hops }
      if (url.origin !== new URL(this.baseUrl).origin) break
      await current.arrayBuffer()
      current = await this.request(url.href)
    }
    return { response: current, url, hops }
  }

  async get(pathOrUrl: string, options: Omit<RequestOptions, 'form' | 'method'> = {}) {
    return this.request(pathOrUrl, { ...options, method: 'GET' })
  }

  async post(
    pathOrUrl: string,
    form: Record<string, string> = {},
    options: Omit<RequestOptions, 'form'> = {}
  ) {
    return this.request(pathOrUrl, { csrf: true, ...options, method: 'POST', form })
  }
}

/* The props of an Inertia page in a full HTML response (the JSON the client boots from). */
export function inertiaPage(html: string): { component: string; props: Record<string, any> } {
  const script = html.match(/<script[^>]*data-page="app"[^>]*>([\s\S]*?)<\/script>/)
  if (script) return JSON.parse(script[1])
  const attribute = html.match(/data-page="([^"]*)"/)
  if (!attribute) throw new Error('No Inertia page in this response')
  return JSON.parse(
    attribute[1]
      .replace(/&quot;/g, '"')
      .replace(/&#039;/g, "'")
      .replace(/&lt;/g, '<')
      .replace(/&gt;/g, '>')
      .replace(/&amp;/g, '&')
  )
}
