import { spawn } from 'node:child_process'
import app from '@adonisjs/core/services/app'

/*
| Runs `node ace <args>` in a child process, as an operator would, on the
| same database folder as the test server. Returns exit code and output.
*/
export function runAce(
  args: string[],
  env: Record<string, string | undefined> = {}
): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['ace', ...args], {
      cwd: app.makePath(),
      env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let output = ''
    child.stdout.on('data', (chunk) => (output += chunk))
    child.stderr.on('data', (chunk) => (output += chunk))
    child.on('error', reject)
    child.on('close', (code) => resolve({ code, output }))
  })
}
