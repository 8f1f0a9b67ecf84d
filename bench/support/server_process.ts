import { randomBytes } from 'node:crypto'
/*
| The app server as the benchmarks run it: a child process on a free
| loopback port, stopped by its PID. Either from source (bin/server.ts
| through ts-exec) or, as production runs it, from a production build
| (`node ace build`: compiled JavaScript, Vite's built assets, no Vite dev
| server) started with `node bin/server.js` in the build folder.
*/
import { execFile, execFileSync, spawn, type ChildProcess } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { mkdir, rm } from 'node:fs/promises'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'
import { setTimeout as sleep } from 'node:timers/promises'
import { promisify } from 'node:util'

const ROOT = new URL('../../', import.meta.url)

export interface ServerOptions {
  nodeArgs?: string[]
  onStderr?: (chunk: string) => void
  /* A production build folder (see productionBuild): runs its bin/server.js. */
  build?: string
}

/*
| Builds the app as production does, from a private copy of the working tree
| (<os tmpdir>/chat-bench-src-<pid>, node_modules linked: outside the project,
| whose tsconfig would type-check a copy under tmp/ along with the original),
| and returns its build folder.
| Building in place would leave build/ and public/assets/ in the project,
| and a public/assets/ manifest changes the Inertia asset version the dev
| server and the tests see; a later build by another run would also pull
| files from under this server (routes import their controllers lazily).
| BENCH_BUILD_DIR=<folder> reuses an existing build (a folder holding
| bin/server.js, where node_modules resolve: inside the project, or in such
| a copy). TypeScript
| errors do not stop the build: someone's half-finished edit must not stop
| a bench. Builds of concurrent runs take turns (an flock).
*/
export async function productionBuild(log: (message: string) => void): Promise<BuiltServer> {
  const given = process.env.BENCH_BUILD_DIR
  if (given) {
    if (!existsSync(join(given, 'bin/server.js'))) {
      throw new Error(`BENCH_BUILD_DIR=${given} holds no bin/server.js`)
    }
    return { dir: given, remove: async () => {} }
  }
  const source = join(tmpdir(), `chat-bench-src-${process.pid}/`)
  const remove = () => rm(source, { recursive: true, force: true })
  await remove()
  await mkdir(source, { recursive: true })
  const started = performance.now()
  log('building the app (node ace build) from a copy of the working tree')
  const script = [
    `tar --exclude=./node_modules --exclude=./tmp --exclude=./build --exclude=./.git --exclude=./public/assets -cf - . | tar -xf - -C "${source}"`,
    `ln -s "${ROOT.pathname}node_modules" "${source}node_modules"`,
    `cd "${source}" && "${process.execPath}" ace build --ignore-ts-errors >/dev/null`,
  ].join(' && ')
  try {
    await promisify(execFile)('flock', ['/tmp/chat-bench-build.lock', 'sh', '-c', script], {
      cwd: ROOT.pathname,
      maxBuffer: 64 * 1024 * 1024,
    })
  } catch (error) {
    await remove()
    const { stderr } = error as { stderr?: string }
    throw new Error(`node ace build failed: ${stderr || error}`)
  }
  const dir = join(source, 'build')
  if (!existsSync(join(dir, 'bin/server.js'))) throw new Error('the build wrote no bin/server.js')
  log(`built in ${((performance.now() - started) / 1000).toFixed(1)} s`)
  return { dir, remove }
}

export interface BuiltServer {
  dir: string
  remove: () => Promise<void>
}

/* Starts the app with the current env and waits until `${appUrl}/` answers. */
export async function startServer(
  appUrl: string,
  options: ServerOptions = {}
): Promise<ChildProcess> {
  const nodeArgs = options.nodeArgs ?? []
  const child = options.build
    ? spawn(process.execPath, [...nodeArgs, 'bin/server.js'], {
        cwd: options.build,
        env: process.env,
        stdio: ['ignore', 'ignore', 'pipe'],
      })
    : spawn(process.execPath, [...nodeArgs, '--import=@poppinss/ts-exec', 'bin/server.ts'], {
        cwd: ROOT.pathname,
        env: process.env,
        stdio: ['ignore', 'ignore', 'pipe'],
      })
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

/*
| CPU time (user + system, ms) a process has used so far, from /proc (Linux).
| Unlike wall-clock time it does not grow when other processes take the
| cores, so before/after figures compare even on a busy machine.
*/
export function processCpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
  // Fields after the parenthesised command name; utime and stime are the 14th and 15th.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / clockTicks()
}

let ticks: number | undefined
function clockTicks() {
  ticks ??= Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100
  return ticks
}

/*
| The settings a bench server and the bench process both read: a throw-away
| APP_KEY (nothing from .env), quiet logs, cookie sessions; `extra` adds or
| overrides per bench.
*/
export function setBenchServerEnv(options: {
  nodeEnv: 'development' | 'test'
  port: number
  appUrl: string
  databaseDir: string
  extra?: Record<string, string>
}) {
  Object.assign(process.env, {
    NODE_ENV: options.nodeEnv,
    PORT: String(options.port),
    HOST: 'localhost',
    APP_URL: options.appUrl,
    DATABASE_DIR: options.databaseDir,
    APP_KEY: randomBytes(32).toString('hex'),
    LOG_LEVEL: 'warn',
    SESSION_DRIVER: 'cookie',
    ...options.extra,
  })
}
