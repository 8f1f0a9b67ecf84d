/*
| The few pages the development provider renders itself (outside Inertia,
| because they are answered by oidc-provider's Koa app): the sign-out step
| and its errors. Small, self-contained, light and dark.
*/

export function escapeHtml(value: unknown): string {
  return String(value ?? '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;')
}

function page(title: string, body: string) {
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark">
<title>${escapeHtml(title)} · Development sign-in</title>
<style>
  :root { color-scheme: light dark; --bg: #fafafa; --card: #fff; --fg: #171717; --muted: #737373; --border: #e5e5e5; --primary: #171717; --primary-fg: #fafafa; }
  @media (prefers-color-scheme: dark) { :root { --bg: #0a0a0a; --card: #171717; --fg: #fafafa; --muted: #a3a3a3; --border: #262626; --primary: #fafafa; --primary-fg: #171717; } }
  * { box-sizing: border-box; }
  body { margin: 0; min-height: 100vh; display: grid; place-items: center; background: var(--bg); color: var(--fg); font: 15px/1.5 ui-sans-serif, system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }
  main { width: min(24rem, calc(100vw - 2rem)); background: var(--card); border: 1px solid var(--border); border-radius: 0.875rem; padding: 1.75rem; box-shadow: 0 1px 2px rgb(0 0 0 / 0.05); }
  .badge { display: inline-block; font-size: 0.75rem; color: var(--muted); border: 1px solid var(--border); border-radius: 999px; padding: 0.1rem 0.6rem; margin-bottom: 0.75rem; }
  h1 { font-size: 1.25rem; margin: 0 0 0.5rem; }
  p { color: var(--muted); margin: 0 0 1.25rem; }
  button, a.button { display: block; width: 100%; text-align: center; font: inherit; font-weight: 600; padding: 0.6rem 1rem; border-radius: 0.5rem; border: 1px solid var(--primary); background: var(--primary); color: var(--primary-fg); cursor: pointer; text-decoration: none; }
  pre { white-space: pre-wrap; word-break: break-word; color: var(--muted); font-size: 0.8rem; }
</style>
</head>
<body><main><span class="badge">Development sign-in</span>${body}</main></body>
</html>`
}

/*
| oidc-provider asks the person to confirm an RP-initiated sign-out (its
| form carries an xsrf token bound to the provider session). For the
| first-party development app the confirmation is submitted right away; the
| button stays for browsers without scripts.
*/
export function logoutPage(form: string) {
  return page(
    'Signing out',
    `<h1>Signing you out…</h1>
<p>You are being signed out of the development identity provider.</p>
${form}
<button id="confirm-sign-out" type="submit" form="op.logoutForm" name="logout" value="yes">Continue</button>
<script>document.getElementById('confirm-sign-out').click()</script>`
  )
}

export function signedOutPage() {
  return page(
    'Signed out',
    `<h1>You are signed out</h1><p>You can close this tab.</p><a class="button" href="/">Back to the app</a>`
  )
}

export function errorPage(out: Record<string, unknown>) {
  const details = Object.entries(out)
    .map(([key, value]) => `<strong>${escapeHtml(key)}</strong>: ${escapeHtml(value)}`)
    .join('\n')
  return page(
    'Sign-in error',
    `<h1>Something went wrong while signing in</h1>
<p>The sign-in request could not be completed. Start again from the app.</p>
<pre>${details}</pre>
<a class="button" href="/sign-in">Sign in again</a>`
  )
}
