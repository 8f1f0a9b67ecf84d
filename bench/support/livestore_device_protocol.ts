/* Messages between the sync bench and its LiveStore device process (IPC). */

/* Given to the leader worker (adapter-node's workerExtraArgs). */
export interface LeaderArgs {
  syncUrl: string
  headers: Record<string, string>
  hasLocalCopy: boolean
}

/* The leader's pull progress (PullProgress) goes out on this BroadcastChannel. */
export const PROGRESS_CHANNEL = 'bench-device-pull-progress'

export type DeviceRequest =
  | ({ type: 'open'; storeId: string } & LeaderArgs)
  | { type: 'waitForChat'; ref: number; id: string }
  | { type: 'waitForCounts'; ref: number; chats: number; messages: number; timeoutMs: number }
  | { type: 'close' }

export type DeviceReply =
  | { type: 'opened'; ms: number; cpuMs: number }
  | { type: 'chat'; ref: number }
  | {
      type: 'counts'
      ref: number
      ok: boolean
      /* Since the store was opened (createStore called): wall time and this process's CPU. */
      ms: number
      cpuMs: number
      error?: string
    }
  | {
      type: 'progress'
      received: number
      total: number | null
      caughtUp: boolean
      /* Since the store was opened. */
      ms: number
    }
  | { type: 'failed'; error: string }
