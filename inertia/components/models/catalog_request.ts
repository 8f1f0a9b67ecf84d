import type { CatalogEntry } from './catalog_types'

let inFlight: Promise<CatalogEntry[]> | null = null
const listeners = new Set<(models: CatalogEntry[]) => void>()

/*
| GET /api/models for the signed-in user. Callers at the same moment share
| one request (the model picker and the model names under answers mount
| together), and every answer is handed to `onCatalog` listeners.
*/
export function fetchCatalog(): Promise<CatalogEntry[]> {
  inFlight ??= fetch('/api/models', {
    headers: { accept: 'application/json' },
    credentials: 'same-origin',
  })
    .then(async (response) => {
      if (!response.ok) throw new Error(`HTTP ${response.status}`)
      const body = (await response.json()) as { data: CatalogEntry[] }
      for (const listener of listeners) listener(body.data)
      return body.data
    })
    .finally(() => {
      inFlight = null
    })
  return inFlight
}

/* Called with each catalog loaded from now on; returns the unsubscribe. */
export function onCatalog(listener: (models: CatalogEntry[]) => void) {
  listeners.add(listener)
  return () => {
    listeners.delete(listener)
  }
}
