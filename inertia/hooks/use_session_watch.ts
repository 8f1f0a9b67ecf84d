/*
| Whether this page's session still holds. A WebSocket refused at upgrade
| (401, an expired or revoked session) looks to a script like any failed
| connection: the browser never exposes the status. So a page whose socket
| cannot open asks GET /api/session; a 401 there (or another account's
| session) means signed out, anything else (server away, network down) means
| keep reconnecting. Once signed out the page stays so until it reloads (after
| signing in again): the chats on the device are left as they are.
*/
import { usePage } from '@inertiajs/react'
import { useEffect, useSyncExternalStore } from 'react'
import type { InertiaProps } from '~/types'

export type SessionState = 'active' | 'signed_out'

let state: SessionState = 'active'
let checking: Promise<SessionState> | null = null
const listeners = new Set<() => void>()

function set(next: SessionState) {
  if (state === next) return
  state = next
  for (const listener of listeners) listener()
}

export function sessionState(): SessionState {
  return state
}

export function subscribeSession(listener: () => void) {
  listeners.add(listener)
  return () => listeners.delete(listener)
}

/*
| Asks the server once (concurrent callers share the answer). `userId`: the
| account this page belongs to; a session of another account counts as
| signed out of this one.
*/
export function checkSession(userId?: string): Promise<SessionState> {
  if (state === 'signed_out' || typeof window === 'undefined') return Promise.resolve(state)
  checking ??= fetch('/api/session', {
    headers: { accept: 'application/json' },
    credentials: 'same-origin',
    cache: 'no-store',
  })
    .then(async (response) => {
      if (response.status === 401) set('signed_out')
      else if (response.ok && userId) {
        const body = (await response.json().catch(() => null)) as {
          data?: { userId?: string }
        } | null
        if (body?.data?.userId && body.data.userId !== userId) set('signed_out')
      }
      return state
    })
    // The server cannot be reached: that is not a sign-out.
    .catch(() => state)
    .finally(() => {
      checking = null
    })
  return checking
}

export function useSessionState(): SessionState {
  return useSyncExternalStore(subscribeSession, sessionState, () => 'active')
}

/* Backoff of the checks while a socket stays down: soon, then less and less often. */
const PROBE_DELAYS_MS = [1_000, 3_000, 10_000, 30_000]

/*
| While `disconnected` (the sync socket cannot connect) and the browser is
| online, checks the session now and then; stops once it is known to be over.
*/
export function useProbeWhileDisconnected(disconnected: boolean) {
  const { user } = usePage<InertiaProps>().props
  const userId = user?.id
  useEffect(() => {
    if (!disconnected) return
    let attempt = 0
    let stopped = false
    let timer: ReturnType<typeof setTimeout>
    const schedule = () => {
      const delay = PROBE_DELAYS_MS[Math.min(attempt, PROBE_DELAYS_MS.length - 1)]
      attempt++
      timer = setTimeout(async () => {
        const result = navigator.onLine ? await checkSession(userId) : sessionState()
        if (!stopped && result !== 'signed_out') schedule()
      }, delay)
    }
    schedule()
    return () => {
      stopped = true
      clearTimeout(timer)
    }
  }, [disconnected, userId])
}
