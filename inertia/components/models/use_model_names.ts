import { useSyncExternalStore } from 'react'
import type { CatalogEntry } from './catalog_types'

/*
| Display names of catalog models by id ("Llama 3.3 70B Instruct" for
| meta-llama/llama-3.3-70b-instruct), for labels such as the model under an
| answer. The catalog (GET /api/models) is loaded once per page and shared by
| every label: a thread of a thousand answers makes one request. Until it
| has loaded, or when it cannot be (offline), a label shows the model id.
*/

type Names = ReadonlyMap<string, string>

let names: Names = new Map()
let loaded = false
let loading: Promise<void> | null = null
let failedAt = 0
const listeners = new Set<() => void>()

/* After a failed load (offline), a label mounting later tries again, at most this often. */
const RETRY_MS = 30_000

function load() {
  if (loaded || loading || Date.now() - failedAt < RETRY_MS) return
  loading = fetch('/api/models', {
    headers: { accept: 'application/json' },
    credentials: 'same-origin',
  })
    .then(async (response) => {
      if (!response.ok) throw new Error(`HTTP ${response.status}`)
      const body = (await response.json()) as { data: CatalogEntry[] }
      names = new Map(body.data.map((model) => [model.id, model.name]))
      loaded = true
      for (const listener of listeners) listener()
    })
    .catch(() => {
      failedAt = Date.now()
    })
    .finally(() => {
      loading = null
    })
}

function subscribe(listener: () => void) {
  listeners.add(listener)
  load()
  return () => {
    listeners.delete(listener)
  }
}

const snapshot = () => names

/** The catalog's name for `modelId`, else the id itself (null for no model). */
export function useModelName(modelId: string | null): string | null {
  const known = useSyncExternalStore(subscribe, snapshot, snapshot)
  if (!modelId) return null
  return known.get(modelId) ?? modelId
}
