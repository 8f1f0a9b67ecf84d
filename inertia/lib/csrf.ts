/*
| The CSRF token for plain HTML form posts, from <meta name="csrf-token"> in
| the root view. Inertia's own requests don't need it: they send the
| XSRF-TOKEN cookie back as the X-XSRF-TOKEN header, which shield accepts.
| Read at call time: the token stays valid for the session's lifetime.
*/
export function csrfToken() {
  return document.querySelector<HTMLMetaElement>('meta[name="csrf-token"]')?.content || undefined
}
