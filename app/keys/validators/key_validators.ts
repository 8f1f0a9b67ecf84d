import vine from '@vinejs/vine'
import { BYOK_PROVIDERS } from '#catalog/catalog_types'

/*
| Messages never echo the submitted value: a rejected key must not come back
| in the answer.
*/
export const providerParamValidator = vine.compile(
  vine.object({
    provider: vine.enum(BYOK_PROVIDERS),
  })
)

export const saveKeyValidator = vine.compile(
  vine.object({
    provider: vine.enum(BYOK_PROVIDERS),
    // Provider keys are printable ASCII without spaces; 8..512 covers every format we know.
    apiKey: vine
      .string()
      .trim()
      .minLength(8)
      .maxLength(512)
      .regex(/^[\x21-\x7E]+$/),
  })
)
