import env from '#start/env'
import app from '@adonisjs/core/services/app'
import { defineConfig } from '@adonisjs/shield'

/*
| Content-Security-Policy
|
| Scripts run only from our origin or with this response's nonce: the root
| view (resources/views/inertia_layout.edge) puts the nonce on the theme
| script and on every tag @vite and @viteReactRefresh write, and exposes it
| in <meta property="csp-nonce"> for the <style> elements that Vite's client,
| Inertia's progress bar and Radix's scroll lock create at run time
| (inertia/lib/csp.ts). Style attributes stay allowed (style-src-attr):
| React sets inline styles through the CSSOM, which CSP does not govern, but
| rendered HTML such as highlighted code carries style="" attributes.
|
| 'wasm-unsafe-eval' lets LiveStore compile its SQLite WebAssembly; its
| workers come from our origin or blob: URLs. The sync socket
| (/livestore-sync) is same-origin, and 'self' covers ws:/wss: to the same
| host in current browsers; APP_URL's ws(s) origin is listed as well for
| older engines (Safari before 16).
*/
const appUrl = new URL(env.get('APP_URL'))
const appSocketOrigin = `${appUrl.protocol === 'https:' ? 'wss:' : 'ws:'}//${appUrl.host}`

/*
| In development Vite's HMR socket listens on its own port (VITE_HMR_PORT,
| set by `node ace serve --hmr`, 24678 otherwise), on whatever host the page
| was opened with.
*/
const viteHmrSockets = (): string[] => {
  if (app.inProduction) return []
  const port = Number(process.env.VITE_HMR_PORT) || 24678
  return [`ws://localhost:${port}`, `ws://127.0.0.1:${port}`, `ws://${appUrl.hostname}:${port}`]
}

/*
| Sign-in and sign-out end on the identity provider with a redirect that
| follows a form post (sign out), and Chromium applies form-action to such
| redirects. In development the provider is ours, under /oidc.
*/
const logtoEndpoint = env.get('LOGTO_ENDPOINT')
const identityProvider = logtoEndpoint ? [new URL(logtoEndpoint).origin] : []

const shieldConfig = defineConfig({
  csp: {
    enabled: true,
    directives: {
      defaultSrc: [`'self'`],
      scriptSrc: [`'self'`, '@nonce', `'wasm-unsafe-eval'`],
      scriptSrcAttr: [`'none'`],
      styleSrc: [`'self'`, '@nonce'],
      styleSrcAttr: [`'unsafe-inline'`],
      imgSrc: [`'self'`, 'data:', 'blob:'],
      fontSrc: [`'self'`, 'data:'],
      connectSrc: [`'self'`, appSocketOrigin, ...new Set(viteHmrSockets())],
      workerSrc: [`'self'`, 'blob:'],
      manifestSrc: [`'self'`],
      mediaSrc: [`'self'`, 'blob:', 'data:'],
      objectSrc: [`'none'`],
      baseUri: [`'self'`],
      frameAncestors: [`'none'`],
      formAction: [`'self'`, ...identityProvider],
      ...(app.inProduction ? { upgradeInsecureRequests: [] } : {}),
    },
    reportOnly: false,
  },
  csrf: {
    enabled: true,
    exceptRoutes: [],
    enableXsrfCookie: true,
    methods: ['POST', 'PUT', 'PATCH', 'DELETE'],
  },
  xFrame: { enabled: true, action: 'DENY' },
  hsts: { enabled: app.inProduction, maxAge: '180 days', includeSubDomains: true },
  contentTypeSniffing: { enabled: true },
})

export default shieldConfig
