import vine from '@vinejs/vine'

/*
| OpenRouter's GET /models answer, validated in two steps: the envelope must
| be `{ data: [...] }`, then each entry on its own, so one odd entry among
| hundreds is skipped (and counted) instead of failing the whole sync.
| Pricing values are strings of dollars per token ("0.000003"; "-1" means
| variable); vine.number() accepts numeric strings.
*/

export const openRouterEnvelopeValidator = vine.compile(
  vine.object({
    data: vine.array(vine.any()),
  })
)

export const openRouterModelValidator = vine.compile(
  vine.object({
    id: vine
      .string()
      .trim()
      .minLength(1)
      .maxLength(191)
      .regex(/^[\w.:/@-]+$/),
    name: vine.string().trim().maxLength(191).optional(),
    description: vine.string().optional().nullable(),
    context_length: vine.number().min(0).optional().nullable(),
    architecture: vine
      .object({
        modality: vine.string().optional().nullable(),
        input_modalities: vine.array(vine.string()).optional().nullable(),
        output_modalities: vine.array(vine.string()).optional().nullable(),
      })
      .optional()
      .nullable(),
    pricing: vine
      .object({
        prompt: vine.number().optional().nullable(),
        completion: vine.number().optional().nullable(),
      })
      .optional()
      .nullable(),
    top_provider: vine
      .object({
        context_length: vine.number().min(0).optional().nullable(),
      })
      .optional()
      .nullable(),
    supported_parameters: vine.array(vine.string()).optional().nullable(),
  })
)
