/**
 * Splits markdown into top-level blocks so a streaming answer re-renders only its last block:
 * every finished block keeps the same string, and a memoized renderer skips it. Pure (shared by
 * the browser and unit tests).
 *
 * A block ends at a blank line, except inside a fenced code block (``` or ~~~) or a display-maths
 * block ($$ ... $$), and a chunk that continues the previous one (indented, or the next item of
 * the same list, or a table row) is joined to it, so a loose list stays one list.
 */

const FENCE = /^ {0,3}(`{3,}|~{3,})/
const MATH_FENCE = /^ {0,3}\$\$/
const LIST_ITEM = /^ {0,3}(?:[-*+]|\d{1,9}[.)])(?:\s|$)/

interface Open {
  kind: 'fence' | 'math'
  marker: string
}

function closes(open: Open, line: string) {
  if (open.kind === 'math') {
    return /\$\$\s*$/.test(line)
  }
  const match = FENCE.exec(line)
  return (
    match !== null &&
    match[1][0] === open.marker[0] &&
    match[1].length >= open.marker.length &&
    line.slice(match[0].length).trim() === ''
  )
}

function continuesPrevious(previous: string, chunk: string) {
  const first = chunk.split('\n', 1)[0]
  if (/^(?: {4,}|\t)/.test(first) || /^ {1,3}\S/.test(first)) return true
  const previousFirst = previous.split('\n', 1)[0]
  return LIST_ITEM.test(previousFirst) && LIST_ITEM.test(first)
}

export function splitMarkdownBlocks(text: string): string[] {
  const chunks: string[] = []
  let current: string[] = []
  let open: Open | null = null

  const flush = () => {
    if (current.length === 0) return
    const chunk = current.join('\n')
    current = []
    const previous = chunks.at(-1)
    if (previous !== undefined && continuesPrevious(previous, chunk)) {
      chunks[chunks.length - 1] = `${previous}\n\n${chunk}`
    } else {
      chunks.push(chunk)
    }
  }

  for (const line of text.split('\n')) {
    if (open) {
      current.push(line)
      if (closes(open, line)) open = null
      continue
    }
    if (line.trim() === '') {
      flush()
      continue
    }
    const fence = FENCE.exec(line)
    if (fence) {
      open = { kind: 'fence', marker: fence[1] }
    } else if (MATH_FENCE.test(line)) {
      // `$$ x $$` on one line opens and closes at once.
      const rest = line.replace(MATH_FENCE, '')
      if (!/\$\$\s*$/.test(rest)) open = { kind: 'math', marker: '$$' }
    }
    current.push(line)
  }
  flush()
  return chunks
}
