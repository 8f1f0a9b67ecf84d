/*
| The Content-Security-Policy nonce of this page, from
| <meta property="csp-nonce"> in resources/views/inertia_layout.edge. Browsers
| hide the nonce attribute's value from getAttribute once the page has loaded;
| the `nonce` property keeps it.
*/
export const cspNonce =
  document.querySelector<HTMLMetaElement>('meta[property="csp-nonce"]')?.nonce || undefined

/*
| Radix's scroll lock (react-remove-scroll, via react-style-singleton) adds a
| <style> element and takes its nonce from get-nonce, which falls back to the
| webpack-era global `__webpack_nonce__`. Setting that global is the
| documented hook and saves us depending on get-nonce directly.
*/
if (cspNonce) {
  ;(globalThis as { __webpack_nonce__?: string }).__webpack_nonce__ = cspNonce
}
