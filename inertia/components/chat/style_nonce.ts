import { cspNonce } from '~/lib/csp'

/*
| sonner inserts its stylesheet as a <style> element, without a nonce, while its module is
| evaluated; the Content-Security-Policy (style-src 'self' + nonce) would block it. `toast.ts`
| imports this module, then sonner, then calls `endStyleNonce`, so only the style elements created
| during sonner's evaluation get the page's nonce.
*/
const createElement = document.createElement
let active = false

export function beginStyleNonce() {
  if (active || !cspNonce) return
  active = true
  document.createElement = function (
    this: Document,
    tagName: string,
    options?: ElementCreationOptions
  ) {
    const element = createElement.call(this, tagName, options)
    if (tagName.toLowerCase() === 'style') (element as HTMLStyleElement).nonce = cspNonce!
    return element
  } as typeof document.createElement
}

export function endStyleNonce() {
  if (!active) return
  active = false
  document.createElement = createElement
}

beginStyleNonce()
