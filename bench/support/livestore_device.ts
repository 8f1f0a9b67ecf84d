/*
| The sync bench's LiveStore device: a child process (livestore_device_process.ts)
| driven over IPC. See that file for how it matches a browser.
*/
import { fork, type ChildProcess } from 'node:child_process'
import type { DeviceReply, DeviceRequest } from './livestore_device_protocol.js'

export interface DeviceUser {
  storeId: string
  headers: Record<string, string>
}

export interface LiveStoreDevice {
  /* Resolves once the store has booted (for a new device: after its blocking initial sync). */
  opened: Promise<{ ms: number; cpuMs: number }>
  waitForChat(id: string): Promise<void>
  /* Wall and CPU time from opening the store until it holds at least these rows. */
  waitForCounts(
    chats: number,
    messages: number,
    timeoutMs: number
  ): Promise<{ ms: number; cpuMs: number }>
  close(): Promise<void>
}

export function openLiveStoreDevice(
  user: DeviceUser,
  syncUrl: string,
  options: {
    /* true: configured as a returning device (Skip), although its storage starts empty. */
    hasLocalCopy?: boolean
    /* Each catch-up page the leader receives; `ms` since the store was opened. */
    onProgress?: (progress: { received: number; total: number | null; ms: number }) => void
  } = {}
): LiveStoreDevice {
  const child: ChildProcess = fork(new URL('./livestore_device_process.ts', import.meta.url), {
    execArgv: [
      '--import=@poppinss/ts-exec',
      ...(process.env.SYNC_BENCH_DEVICE_CPU_PROFILE
        ? ['--cpu-prof', `--cpu-prof-dir=${process.env.SYNC_BENCH_DEVICE_CPU_PROFILE}`]
        : []),
    ],
    env: { ...process.env, NODE_ENV: 'production' },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  })
  let nextRef = 0
  const waiting = new Map<number, (reply: DeviceReply) => void>()
  let failure: Error | null = null
  let rejectOpened: (error: Error) => void = () => {}

  const fail = (error: Error) => {
    failure ??= error
    rejectOpened(error)
    for (const resolve of waiting.values()) resolve({ type: 'failed', error: error.message })
    waiting.clear()
  }
  child.on('exit', (code) => fail(new Error(`the device process exited (${code})`)))

  const opened = new Promise<{ ms: number; cpuMs: number }>((resolve, reject) => {
    rejectOpened = reject
    child.on('message', (reply: DeviceReply) => {
      if (reply.type === 'opened') resolve({ ms: reply.ms, cpuMs: reply.cpuMs })
      else if (reply.type === 'progress') options.onProgress?.(reply)
      else if (reply.type === 'failed') fail(new Error(`device: ${reply.error}`))
      else {
        const resolveReply = waiting.get(reply.ref)
        waiting.delete(reply.ref)
        resolveReply?.(reply)
      }
    })
  })
  opened.catch(() => {})

  const send = (request: DeviceRequest) => child.send(request)
  const ask = (make: (ref: number) => DeviceRequest) =>
    new Promise<DeviceReply>((resolve) => {
      if (failure) return resolve({ type: 'failed', error: failure.message })
      const ref = nextRef++
      waiting.set(ref, resolve)
      send(make(ref))
    })

  send({
    type: 'open',
    storeId: user.storeId,
    syncUrl,
    headers: user.headers,
    hasLocalCopy: options.hasLocalCopy ?? false,
  })

  return {
    opened,
    async waitForChat(id) {
      await opened
      const reply = await ask((ref) => ({ type: 'waitForChat', ref, id }))
      if (reply.type !== 'chat') throw new Error(describe(reply))
    },
    async waitForCounts(chats, messages, timeoutMs) {
      await opened
      const reply = await ask((ref) => ({ type: 'waitForCounts', ref, chats, messages, timeoutMs }))
      if (reply.type !== 'counts' || !reply.ok) throw new Error(describe(reply))
      return { ms: reply.ms, cpuMs: reply.cpuMs }
    },
    async close() {
      if (child.exitCode !== null) return
      const exited = new Promise((resolve) => child.once('exit', resolve))
      child.send({ type: 'close' } satisfies DeviceRequest)
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000)
      await exited
      clearTimeout(timer)
    },
  }
}

function describe(reply: DeviceReply) {
  if (reply.type === 'failed') return reply.error
  if (reply.type === 'counts') return reply.error ?? 'not materialized'
  return `unexpected reply ${reply.type}`
}
