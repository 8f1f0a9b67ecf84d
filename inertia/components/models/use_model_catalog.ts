import { useCallback, useEffect, useState } from 'react'
import type { CatalogEntry } from './catalog_types'

/*
| The model catalog for the signed-in user (GET /api/models), with each
| model's lock. `reload` after the user adds or removes a key.
*/
export function useModelCatalog() {
  const [models, setModels] = useState<CatalogEntry[] | null>(null)
  const [error, setError] = useState<string | null>(null)

  const reload = useCallback(async (signal?: AbortSignal) => {
    try {
      const response = await fetch('/api/models', {
        headers: { accept: 'application/json' },
        credentials: 'same-origin',
        signal,
      })
      if (!response.ok) throw new Error(`HTTP ${response.status}`)
      const body = (await response.json()) as { data: CatalogEntry[] }
      setModels(body.data)
      setError(null)
    } catch (reason) {
      if ((reason as Error).name === 'AbortError') return
      setError('The model list could not be loaded.')
    }
  }, [])

  useEffect(() => {
    const controller = new AbortController()
    void reload(controller.signal)
    return () => controller.abort()
  }, [reload])

  return { models, error, reload: () => reload() }
}
