export const REDACTED = '[redacted]'

/*
| Names that carry credentials: api_key/apiKey, *secret*, *token*, *password*.
| Matched on the column name and the attribute name, at any depth of a JSON value,
| so a key pasted into a settings object is caught too.
*/
const SECRET_NAME = /api_?key|secret|token|password/i

export function isSecretName(name: string) {
  return SECRET_NAME.test(name)
}

export function redactSecrets<T>(value: T): T {
  if (Array.isArray(value)) return value.map((item) => redactSecrets(item)) as T
  if (value === null || typeof value !== 'object') return value
  if (value.constructor !== Object) return value

  const copy: Record<string, unknown> = {}
  for (const [key, inner] of Object.entries(value)) {
    copy[key] = isSecretName(key) ? REDACTED : redactSecrets(inner)
  }
  return copy as T
}
