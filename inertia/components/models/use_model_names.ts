import { useSyncExternalStore } from 'react'
import type { CatalogEntry } from './catalog_types'
import { fetchCatalog, onCatalog } from './catalog_request'

/*
| Display names of catalog models by id ("Llama 3.3 70B Instruct" for
| meta-llama/llama-3.3-70b-instruct), for labels such as the model under an
| answer. The catalog (GET /api/models, catalog_request.ts) is loaded once
| per page and shared by every label and the model picker: a thread of a
| thousand answers makes one request. Until it has loaded, or when it
| cannot be (offline), a label shows the model id.
*/

type Names = ReadonlyMap<string, string>

let names: Names = new Map()
let loaded = false
let failedAt = 0
const listeners = new Set<() => void>()

/* After a failed load (offline), a label mounting later tries again, at most this often. */
const RETRY_MS = 30_000

function remember(models: CatalogEntry[]) {
  names = new Map(models.map((model) => [model.id, model.name]))
  loaded = true
  for (const listener of listeners) listener()
}

// Whoever loads the catalog (the model picker too) fills the names: one request per page.
onCatalog(remember)

function load() {
  // Requests at the same moment are one (fetchCatalog); `remember` takes the answer.
  if (loaded || Date.now() - failedAt < RETRY_MS) return
  fetchCatalog().catch(() => {
    failedAt = Date.now()
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
