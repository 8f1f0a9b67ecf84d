import type { Page } from 'playwright'

/*
| Small reads of page state through Playwright locators and string
| expressions (the server-side TypeScript project has no DOM types).
*/
export async function isDark(page: Page) {
  const classes = (await page.locator('html').getAttribute('class')) ?? ''
  return classes.split(/\s+/).includes('dark')
}

export function computedStyle(page: Page, selector: string, property: string) {
  return page.evaluate<string>(
    `getComputedStyle(document.querySelector(${JSON.stringify(selector)})).getPropertyValue(${JSON.stringify(property)})`
  )
}
