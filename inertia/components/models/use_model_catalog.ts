import { useCallback, useEffect, useRef, useState } from 'react'
import type { CatalogEntry } from './catalog_types'
import { fetchCatalog } from './catalog_request'

/*
| The model catalog for the signed-in user (GET /api/models), with each
| model's lock. `reload` after the user adds or removes a key.
*/
export function useModelCatalog() {
  const [models, setModels] = useState<CatalogEntry[] | null>(null)
  const [error, setError] = useState<string | null>(null)

  // The request may be shared with other components: an unmounted one only stops listening.
  const mounted = useRef(true)
  const reload = useCallback(async () => {
    try {
      const data = await fetchCatalog()
      if (!mounted.current) return
      setModels(data)
      setError(null)
    } catch {
      if (mounted.current) setError('The model list could not be loaded.')
    }
  }, [])

  useEffect(() => {
    mounted.current = true
    void reload()
    return () => {
      mounted.current = false
    }
  }, [reload])

  return { models, error, reload: () => reload() }
}
