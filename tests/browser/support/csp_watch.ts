import type { BrowserContext } from 'playwright'

/*
| Runs in every page of the context before its own scripts. A string, because
| the server-side TypeScript project has no DOM types.
*/
const REPORT_VIOLATIONS = `
  document.addEventListener('securitypolicyviolation', (event) => {
    window.__reportCspViolation(event.effectiveDirective + ' blocked ' + (event.blockedURI || 'inline'))
  })
`

/*
| Records every Content-Security-Policy violation in any page of a browser
| context: the `securitypolicyviolation` DOM event (reported back through a
| binding) and Chromium's own console message ("Refused to ... because it
| violates the following Content Security Policy directive"), which also
| covers violations no script can observe. Tests call `assertNone()` at the
| end, so a page that only works with a violation fails its test.
*/
export async function watchCsp(context: BrowserContext) {
  const violations: string[] = []
  const waiters: (() => void)[] = []
  const record = (violation: string) => {
    violations.push(violation)
    waiters.splice(0).forEach((resolve) => resolve())
  }

  await context.exposeBinding('__reportCspViolation', ({ page }, message: string) => {
    record(`${page.url()}: ${message}`)
  })
  await context.addInitScript({ content: REPORT_VIOLATIONS })
  context.on('console', (message) => {
    const text = message.text()
    if (/Content[- ]Security[- ]Policy/i.test(text)) {
      record(`${message.page()?.url() ?? '?'}: ${text}`)
    }
  })

  return {
    violations,
    /* Resolves once at least one violation has been recorded. */
    recorded(): Promise<void> {
      if (violations.length) return Promise.resolve()
      return new Promise((resolve) => waiters.push(resolve))
    },
    assertNone() {
      if (violations.length) {
        throw new Error(`Content-Security-Policy violations:\n${violations.join('\n')}`)
      }
    },
  }
}
