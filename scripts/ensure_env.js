/*
| Creates .env from .env.example on a fresh clone, with a freshly generated
| APP_KEY, so `npm install && npm run dev` needs no manual step. An existing
| .env is never touched.
*/
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { randomBytes } from 'node:crypto'

const root = new URL('../', import.meta.url)
const target = new URL('.env', root)

if (!existsSync(target)) {
  const example = readFileSync(new URL('.env.example', root), 'utf8')
  const key = randomBytes(32).toString('base64url')
  writeFileSync(target, example.replace(/^APP_KEY=.*$/m, `APP_KEY=${key}`), { mode: 0o600 })
  console.log('Created .env with a new APP_KEY')
}
