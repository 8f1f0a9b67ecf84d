import { chmodSync, closeSync, existsSync, mkdirSync, openSync } from 'node:fs'
import { dirname, isAbsolute, join } from 'node:path'

/*
| The SQLite files hold chats, keys and logs: only the process owner may read
| them. SQLite creates -wal/-shm files with the database file's mode, so
| locking down the main file and its folder covers them too.
*/
export function prepareDatabaseFile(filename: string) {
  const folder = dirname(filename)
  if (!existsSync(folder)) mkdirSync(folder, { recursive: true, mode: 0o700 })
  chmodSync(folder, 0o700)
  closeSync(openSync(filename, 'a', 0o600))
  chmodSync(filename, 0o600)
  return filename
}

export function resolveDatabaseDir(
  appRoot: string,
  configured: string | undefined,
  fallback: string
) {
  const dir = configured || fallback
  return isAbsolute(dir) ? dir : join(appRoot, dir)
}

/*
| Applied to every new connection. WAL lets readers run beside the single
| writer; NORMAL is durable under WAL except for the last transactions on
| power loss, which is the usual trade for an app server.
*/
export const CONNECTION_PRAGMAS = [
  'journal_mode = WAL',
  'foreign_keys = ON',
  'busy_timeout = 5000',
  'synchronous = NORMAL',
] as const

export function applyPragmas(connection: { pragma(sql: string): unknown }) {
  for (const pragma of CONNECTION_PRAGMAS) connection.pragma(pragma)
}
