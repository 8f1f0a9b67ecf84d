import { useCallback, useSyncExternalStore } from 'react'

/*
| Light/dark theme. The user's choice ("light", "dark" or "system") lives in
| localStorage under THEME_STORAGE_KEY; "system" follows prefers-color-scheme.
| The inline script in resources/views/inertia_layout.edge applies the same
| rule before first paint, so keep the two in step.
*/
export type ThemePreference = 'light' | 'dark' | 'system'
export type ResolvedTheme = 'light' | 'dark'

export const THEME_STORAGE_KEY = 'theme'
const DARK_QUERY = '(prefers-color-scheme: dark)'
const CHANGE_EVENT = 'app:themechange'

function isPreference(value: unknown): value is ThemePreference {
  return value === 'light' || value === 'dark' || value === 'system'
}

export function readThemePreference(): ThemePreference {
  try {
    const stored = window.localStorage.getItem(THEME_STORAGE_KEY)
    return isPreference(stored) ? stored : 'system'
  } catch {
    return 'system'
  }
}

function systemTheme(): ResolvedTheme {
  return window.matchMedia(DARK_QUERY).matches ? 'dark' : 'light'
}

export function resolveTheme(preference: ThemePreference): ResolvedTheme {
  return preference === 'system' ? systemTheme() : preference
}

/*
| Switching themes must not animate every colour transition on the page, so
| transitions are switched off (.theme-switching in app.css) for the frame in
| which the class changes.
*/
function applyTheme(theme: ResolvedTheme) {
  const root = document.documentElement
  if (root.classList.contains('dark') === (theme === 'dark')) return

  root.classList.add('theme-switching')
  root.classList.toggle('dark', theme === 'dark')
  window.getComputedStyle(root).getPropertyValue('color')
  requestAnimationFrame(() => root.classList.remove('theme-switching'))
}

export function setThemePreference(preference: ThemePreference) {
  try {
    if (preference === 'system') window.localStorage.removeItem(THEME_STORAGE_KEY)
    else window.localStorage.setItem(THEME_STORAGE_KEY, preference)
  } catch {
    // Without storage the choice still applies to this page.
  }
  applyTheme(resolveTheme(preference))
  window.dispatchEvent(new Event(CHANGE_EVENT))
}

function subscribe(onChange: () => void) {
  const media = window.matchMedia(DARK_QUERY)
  const onAnyChange = () => {
    applyTheme(resolveTheme(readThemePreference()))
    onChange()
  }
  /* Other tabs write the same key; the storage event keeps them in step. */
  const onStorage = (event: StorageEvent) => {
    if (event.key === THEME_STORAGE_KEY || event.key === null) onAnyChange()
  }
  media.addEventListener('change', onAnyChange)
  window.addEventListener('storage', onStorage)
  window.addEventListener(CHANGE_EVENT, onChange)
  return () => {
    media.removeEventListener('change', onAnyChange)
    window.removeEventListener('storage', onStorage)
    window.removeEventListener(CHANGE_EVENT, onChange)
  }
}

function snapshot() {
  const preference = readThemePreference()
  return `${preference}:${resolveTheme(preference)}`
}

/*
| Keeps <html class="dark"> in step with the system setting and other tabs for
| as long as the app runs; call once at start-up.
*/
export function watchSystemTheme() {
  return subscribe(() => {})
}

export function useTheme() {
  const value = useSyncExternalStore(subscribe, snapshot)
  const [preference, resolved] = value.split(':') as [ThemePreference, ResolvedTheme]
  const setPreference = useCallback((next: ThemePreference) => setThemePreference(next), [])
  return { preference, resolved, setPreference }
}
