/*
| The offline shell. The chats live on the device (LiveStore in OPFS), so a
| chat page can work with no network at all, but only if the page itself and
| the code it runs can load: this worker keeps copies of them.
|
| - Chat pages (/chat, /chat/<id>), as HTML or as Inertia's JSON page, and the
|   model list: network first, so online nothing changes; the copy answers
|   only when the network cannot. A chat never opened online is served from
|   another chat page's copy with its id put in (the page is the same, only
|   `chatId` differs).
| - The app's code, styles, workers, WebAssembly and fonts: the network first
|   too (in development the module URLs do not change when their code does),
|   except for the build's content-hashed /assets/, which never change and
|   answer from the copy at once.
| Nothing else is touched: sign-in, the API, the sockets (never seen here).
| The page copies hold the user's name, so signing out deletes them
| (inertia/livestore/local_data.ts, which names the same cache).
*/
const PAGES = 'chat-pages-v1'
const CODE = 'chat-code-v2'
const KEEP = new Set([PAGES, CODE])
/*
| The code cache is trimmed to this many entries, the least recently stored
| first: the files of old builds. A build has about a hundred, a development
| page about a thousand modules (each stored again on every load, which makes
| it recent again).
*/
const CODE_ENTRIES = 4000

const CHAT_PAGE = /^\/chat(?:\/([0-9a-f-]{36}))?\/?$/i
const MODEL_LIST = '/api/models'
const CODE_DESTINATIONS = new Set(['script', 'style', 'worker', 'sharedworker', 'font', 'image'])

self.addEventListener('install', () => self.skipWaiting())

self.addEventListener('activate', (event) => {
  event.waitUntil(
    (async () => {
      for (const name of await caches.keys()) if (!KEEP.has(name)) await caches.delete(name)
      await self.clients.claim()
    })()
  )
})

self.addEventListener('fetch', (event) => {
  const { request } = event
  if (request.method !== 'GET') return
  const url = new URL(request.url)
  if (url.origin !== self.location.origin) return

  const chat = CHAT_PAGE.exec(url.pathname)
  if (chat) return event.respondWith(chatPage(event, url, chat[1]))
  if (url.pathname === MODEL_LIST) return event.respondWith(networkFirst(event, PAGES))
  if (url.pathname.startsWith('/assets/')) return event.respondWith(cacheFirst(event))
  if (isCode(request, url)) return event.respondWith(networkFirst(event, CODE))
})

function isCode(request, url) {
  if (url.pathname.startsWith('/api/') || url.pathname.startsWith('/oidc')) return false
  return CODE_DESTINATIONS.has(request.destination) || url.pathname.endsWith('.wasm')
}

/*
| Where a code copy is kept. In development one URL can be two things: a CSS
| file imported by a module is JavaScript (Vite's style injector) when a
| script asks for it and CSS when a stylesheet link does. Kept under one key,
| whichever came last answered both, and offline a module got CSS and the
| page did not start. Stylesheets are kept under a key of their own.
*/
function codeKey(request) {
  if (request.destination !== 'style') return request
  const url = new URL(request.url)
  url.searchParams.set('sw-copy', 'style')
  return url.href
}

const isInertia = (request) => request.headers.get('x-inertia') === 'true'

/* HTML and Inertia JSON of the same URL are kept apart. */
function pageKey(url, inertia) {
  return `${url.pathname}${inertia ? '?inertia' : ''}`
}

async function chatPage(event, url, chatId) {
  const inertia = isInertia(event.request)
  const key = pageKey(url, inertia)
  let response
  try {
    response = await fetch(event.request)
  } catch (error) {
    const cache = await caches.open(PAGES)
    const copy = (await cache.match(key)) ?? (await anyChatPage(cache, inertia))
    if (!copy) throw error
    return retarget(copy, url, chatId, inertia)
  }
  /* Only a page really rendered for a signed-in user (not a redirect to sign in, not an error). */
  if (response.status === 200 && response.type === 'basic' && !response.redirected) {
    const copy = response.clone()
    event.waitUntil(caches.open(PAGES).then((cache) => cache.put(key, copy)))
  }
  return response
}

async function anyChatPage(cache, inertia) {
  for (const request of await cache.keys()) {
    const url = new URL(request.url)
    if (CHAT_PAGE.test(url.pathname) && url.search === (inertia ? '?inertia' : '')) {
      return cache.match(request)
    }
  }
  return undefined
}

/*
| A copy of another chat page answers for this one: the page object's url and
| chatId are this request's. In HTML the page object sits in
| <script data-page="app" type="application/json">, with "/" written "\/".
*/
async function retarget(copy, url, chatId, inertia) {
  const headers = new Headers(copy.headers)
  headers.delete('content-length')
  const adjust = (page) => {
    page.url = url.pathname + url.search
    page.props = { ...page.props, chatId: chatId ?? undefined }
    return page
  }
  if (inertia) {
    const page = adjust(await copy.json())
    return new Response(JSON.stringify(page), { status: 200, headers })
  }
  const html = await copy.text()
  const patched = html.replace(
    /(<script data-page="[^"]*" type="application\/json">)([\s\S]*?)(<\/script>)/,
    (_match, open, json, close) =>
      `${open}${JSON.stringify(adjust(JSON.parse(json))).replace(/\//g, '\\/')}${close}`
  )
  return new Response(patched, { status: 200, headers })
}

async function networkFirst(event, cacheName) {
  const key = cacheName === CODE ? codeKey(event.request) : event.request
  try {
    const response = await fetch(event.request)
    if (response.status === 200 && response.type === 'basic') {
      const copy = response.clone()
      event.waitUntil(store(cacheName, key, copy))
    }
    return response
  } catch (error) {
    const copy = await caches.match(key, { cacheName })
    if (copy) return copy
    throw error
  }
}

async function cacheFirst(event) {
  const key = codeKey(event.request)
  const copy = await caches.match(key, { cacheName: CODE })
  if (copy) return copy
  const response = await fetch(event.request)
  if (response.status === 200 && response.type === 'basic') {
    event.waitUntil(store(CODE, key, response.clone()))
  }
  return response
}

let trimming
async function store(cacheName, request, response) {
  const cache = await caches.open(cacheName)
  /* The same version already kept (a development module loaded again): no need to write it. */
  const etag = response.headers.get('etag')
  if (etag && cacheName === CODE) {
    const kept = await cache.match(request)
    if (kept?.headers.get('etag') === etag) return
  }
  await cache.put(request, response)
  if (cacheName === CODE && !trimming) {
    trimming = setTimeout(async () => {
      trimming = undefined
      const keys = await cache.keys()
      for (const old of keys.slice(0, Math.max(0, keys.length - CODE_ENTRIES))) {
        await cache.delete(old)
      }
    }, 10_000)
  }
}
