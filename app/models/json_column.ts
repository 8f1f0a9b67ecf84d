/*
| SQLite has no JSON type: JSON columns are TEXT holding JSON. These options
| make a Lucid column take and give plain objects, and keep null as SQL NULL
| (not the string "null") so "is null" queries keep working.
*/
export function jsonColumn() {
  return {
    prepare: (value: unknown) =>
      value === null || value === undefined ? null : JSON.stringify(value),
    consume: (value: unknown) => {
      if (value === null || value === undefined) return null
      if (typeof value !== 'string') return value
      return JSON.parse(value)
    },
  }
}

/* SQLite returns booleans as 0/1. */
export const booleanColumn = { consume: (value: unknown) => Boolean(value) }
