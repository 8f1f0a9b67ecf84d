import { DEFAULT_MODEL_ID } from '~/livestore/chat_actions'
import { useModelCatalog } from './use_model_catalog'

/*
| The model a new chat starts with: the house default when this user can use
| it, else the first model they can use (on a fresh `npm run dev` with no
| keys that is the development emulator), so a first message gets an answer
| instead of an "add a key" refusal.
*/
export function useDefaultModel() {
  const { models } = useModelCatalog()
  if (!models) return DEFAULT_MODEL_ID
  const preferred = models.find((model) => model.id === DEFAULT_MODEL_ID)
  if (preferred?.access.usable) return DEFAULT_MODEL_ID
  return models.find((model) => model.access.usable)?.id ?? DEFAULT_MODEL_ID
}
