/*
| The app server as the benchmarks run it: a child process on a free
| loopback port, started from bin/server.ts and stopped by its PID.
*/
import { spawn, type ChildProcess } from 'node:child_process'
import { createServer } from 'node:net'
import { performance } from 'node:perf_hooks'
import { setTimeout as sleep } from 'node:timers/promises'

const ROOT = new URL('../../', import.meta.url)

/* Starts bin/server.ts with the current env and waits until `${appUrl}/` answers. */
export async function startServer(
  appUrl: string,
  options: { nodeArgs?: string[]; onStderr?: (chunk: string) => void } = {}
): Promise<ChildProcess> {
  const child = spawn(
    process.execPath,
    [...(options.nodeArgs ?? []), '--import=@poppinss/ts-exec', 'bin/server.ts'],
    { cwd: ROOT.pathname, env: process.env, stdio: ['ignore', 'ignore', 'pipe'] }
  )
  let stderr = ''
  child.stderr!.on('data', (chunk) => {
    stderr += chunk
    options.onStderr?.(String(chunk))
  })
  const deadline = performance.now() + 60_000
  while (performance.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`the server exited (${child.exitCode}): ${stderr}`)
    try {
      const response = await fetch(`${appUrl}/`)
      await response.arrayBuffer()
      return child
    } catch {
      await sleep(200)
    }
  }
  child.kill('SIGKILL')
  throw new Error(`the server did not start within 60 s: ${stderr}`)
}

export async function stopServer(child: ChildProcess) {
  if (child.exitCode !== null) return
  const exited = new Promise((resolve) => child.once('exit', resolve))
  child.kill('SIGTERM')
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000)
  await exited
  clearTimeout(timer)
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0))
    })
  })
}
