/*
| `npm run bench -- <name> [args...]` runs bench/<name>.ts (a dash in the name
| may stand for an underscore: `long-chat` runs long_chat.ts). A benchmark is a
| module whose default export is an async function taking the remaining args
| and printing one JSON line of figures. Add one by adding a file.
*/
import { existsSync, readdirSync } from 'node:fs'

const here = new URL('./', import.meta.url)
const available = readdirSync(here)
  .filter((file) => file.endsWith('.ts') && file !== 'run.ts')
  .map((file) => file.replace(/\.ts$/, ''))

const requested = process.argv[2] ?? ''
const name = [requested, requested.replace(/-/g, '_')].find(
  (candidate) => /^[a-z0-9_-]+$/.test(candidate) && existsSync(new URL(`${candidate}.ts`, here))
)

if (!name) {
  console.error(`usage: npm run bench -- <name>   (available: ${available.join(', ') || 'none'})`)
  process.exit(2)
}

const module = await import(new URL(`${name}.ts`, here).href)
await module.default(process.argv.slice(3))
