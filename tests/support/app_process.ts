import { spawn, type ChildProcess } from 'node:child_process'
import { createServer } from 'node:net'
import { setTimeout as sleep } from 'node:timers/promises'
import app from '@adonisjs/core/services/app'

/*
| The app as its own server process, for tests about what happens across a
| process's life (a crash, a restart). Run from source (bin/server.ts through
| ts-exec, as `npm test` runs the test process): a production build takes
| about a minute to make, a boot from source a few seconds. Each process
| gets the test environment plus `env` (its port, database folder, provider
| URLs); it is stopped by its PID.
*/

export interface AppProcess {
  child: ChildProcess
  url: string
  /* What it wrote to stderr so far (for failure messages). */
  stderr: () => string
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

/* Starts bin/server.ts on `port` and waits until it answers GET / (its providers have started). */
export async function startAppProcess(
  port: number,
  env: Record<string, string>,
  timeoutMs = 60_000
): Promise<AppProcess> {
  const url = `http://localhost:${port}`
  const child = spawn(process.execPath, ['--import=@poppinss/ts-exec', 'bin/server.ts'], {
    cwd: app.appRoot.pathname,
    env: {
      ...process.env,
      NODE_ENV: 'test',
      PORT: String(port),
      HOST: 'localhost',
      APP_URL: url,
      ...env,
    },
    stdio: ['ignore', 'ignore', 'pipe'],
  })
  let stderr = ''
  child.stderr!.on('data', (chunk) => (stderr += chunk))
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`the app process exited (${child.exitCode ?? child.signalCode}): ${stderr}`)
    }
    try {
      const response = await fetch(`${url}/`)
      await response.arrayBuffer()
      return { child, url, stderr: () => stderr }
    } catch {
      await sleep(100)
    }
  }
  child.kill('SIGKILL')
  throw new Error(`the app process did not answer within ${timeoutMs} ms: ${stderr}`)
}

/* Sends `signal` (SIGKILL: a crash, no shutdown hook runs) and waits for the process to be gone. */
export async function stopAppProcess(process: AppProcess, signal: NodeJS.Signals = 'SIGTERM') {
  const { child } = process
  if (child.exitCode !== null || child.signalCode !== null) return
  const exited = new Promise((resolve) => child.once('exit', resolve))
  child.kill(signal)
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000)
  await exited
  clearTimeout(timer)
}
