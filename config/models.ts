import env from '#start/env'
import type { CuratedModel, ModelCapabilities } from '#catalog/catalog_types'

/*
|--------------------------------------------------------------------------
| Model catalog
|--------------------------------------------------------------------------
|
| The curated list the `models` table is seeded from at boot (upsert by id).
| Prices are US dollars per million tokens and context lengths are tokens,
| as published when this list was written; `npm run ace -- models:sync`
| refreshes them (and availability) from OpenRouter's models API.
|
| Ids with a slash are OpenRouter ids and run through OpenRouter; ids without
| one run directly at the vendor (OpenAI's Responses API, Anthropic's and
| Google's OpenAI-compatible endpoints) with the user's own key.
|
| paid: only a paying user may run it on the platform's key (anyone may
| with their own key). byok: a user's key for the provider can serve it.
|
*/

type Caps = Partial<ModelCapabilities> &
  Pick<ModelCapabilities, 'context_length' | 'input_price_per_million' | 'output_price_per_million'>

function caps(values: Caps): ModelCapabilities {
  return {
    vision: false,
    reasoning: false,
    tools: false,
    image_generation: false,
    web_search: false,
    ...values,
  }
}

const openRouter = (
  id: string,
  name: string,
  vendor: string,
  paid: boolean,
  capabilities: Caps
): CuratedModel => ({
  id,
  name,
  vendor,
  provider: 'openrouter',
  paid,
  byok: true,
  capabilities: caps(capabilities),
})

const direct = (
  provider: 'openai' | 'anthropic' | 'google',
  id: string,
  name: string,
  vendor: string,
  paid: boolean,
  capabilities: Caps
): CuratedModel => ({
  id,
  name,
  vendor,
  provider,
  paid,
  byok: true,
  capabilities: caps(capabilities),
})

export const curatedModels: CuratedModel[] = [
  // OpenAI through OpenRouter
  openRouter('openai/gpt-5', 'GPT-5', 'OpenAI', true, {
    vision: true,
    reasoning: true,
    tools: true,
    web_search: true,
    context_length: 400_000,
    input_price_per_million: 1.25,
    output_price_per_million: 10,
  }),
  openRouter('openai/gpt-5-mini', 'GPT-5 mini', 'OpenAI', false, {
    vision: true,
    reasoning: true,
    tools: true,
    web_search: true,
    context_length: 400_000,
    input_price_per_million: 0.25,
    output_price_per_million: 2,
  }),
  openRouter('openai/gpt-4.1', 'GPT-4.1', 'OpenAI', true, {
    vision: true,
    tools: true,
    web_search: true,
    context_length: 1_047_576,
    input_price_per_million: 2,
    output_price_per_million: 8,
  }),
  openRouter('openai/gpt-4o-mini', 'GPT-4o mini', 'OpenAI', false, {
    vision: true,
    tools: true,
    context_length: 128_000,
    input_price_per_million: 0.15,
    output_price_per_million: 0.6,
  }),
  openRouter('openai/o4-mini', 'o4-mini', 'OpenAI', true, {
    vision: true,
    reasoning: true,
    tools: true,
    context_length: 200_000,
    input_price_per_million: 1.1,
    output_price_per_million: 4.4,
  }),
  // Anthropic
  openRouter('anthropic/claude-sonnet-4.5', 'Claude Sonnet 4.5', 'Anthropic', true, {
    vision: true,
    reasoning: true,
    tools: true,
    context_length: 1_000_000,
    input_price_per_million: 3,
    output_price_per_million: 15,
  }),
  openRouter('anthropic/claude-opus-4.1', 'Claude Opus 4.1', 'Anthropic', true, {
    vision: true,
    reasoning: true,
    tools: true,
    context_length: 200_000,
    input_price_per_million: 15,
    output_price_per_million: 75,
  }),
  openRouter('anthropic/claude-haiku-4.5', 'Claude Haiku 4.5', 'Anthropic', false, {
    vision: true,
    reasoning: true,
    tools: true,
    context_length: 200_000,
    input_price_per_million: 1,
    output_price_per_million: 5,
  }),
  // Google
  openRouter('google/gemini-2.5-pro', 'Gemini 2.5 Pro', 'Google', true, {
    vision: true,
    reasoning: true,
    tools: true,
    context_length: 1_048_576,
    input_price_per_million: 1.25,
    output_price_per_million: 10,
  }),
  openRouter('google/gemini-2.5-flash', 'Gemini 2.5 Flash', 'Google', false, {
    vision: true,
    reasoning: true,
    tools: true,
    context_length: 1_048_576,
    input_price_per_million: 0.3,
    output_price_per_million: 2.5,
  }),
  openRouter('google/gemini-2.5-flash-image', 'Gemini 2.5 Flash Image', 'Google', true, {
    vision: true,
    image_generation: true,
    context_length: 32_768,
    input_price_per_million: 0.3,
    output_price_per_million: 2.5,
  }),
  // Meta
  openRouter('meta-llama/llama-4-maverick', 'Llama 4 Maverick', 'Meta', false, {
    vision: true,
    tools: true,
    context_length: 1_048_576,
    input_price_per_million: 0.15,
    output_price_per_million: 0.6,
  }),
  openRouter('meta-llama/llama-3.3-70b-instruct', 'Llama 3.3 70B Instruct', 'Meta', false, {
    tools: true,
    context_length: 131_072,
    input_price_per_million: 0.13,
    output_price_per_million: 0.39,
  }),
  // Mistral
  openRouter('mistralai/mistral-medium-3.1', 'Mistral Medium 3.1', 'Mistral', false, {
    vision: true,
    tools: true,
    context_length: 131_072,
    input_price_per_million: 0.4,
    output_price_per_million: 2,
  }),
  openRouter('mistralai/codestral-2508', 'Codestral', 'Mistral', false, {
    tools: true,
    context_length: 256_000,
    input_price_per_million: 0.3,
    output_price_per_million: 0.9,
  }),
  // DeepSeek
  openRouter('deepseek/deepseek-chat-v3.1', 'DeepSeek V3.1', 'DeepSeek', false, {
    reasoning: true,
    tools: true,
    context_length: 163_840,
    input_price_per_million: 0.27,
    output_price_per_million: 1,
  }),
  openRouter('deepseek/deepseek-r1-0528', 'DeepSeek R1', 'DeepSeek', false, {
    reasoning: true,
    tools: true,
    context_length: 163_840,
    input_price_per_million: 0.5,
    output_price_per_million: 2.15,
  }),
  // Others
  openRouter('x-ai/grok-4', 'Grok 4', 'xAI', true, {
    vision: true,
    reasoning: true,
    tools: true,
    context_length: 256_000,
    input_price_per_million: 3,
    output_price_per_million: 15,
  }),
  openRouter('qwen/qwen3-235b-a22b-2507', 'Qwen3 235B A22B', 'Qwen', false, {
    tools: true,
    context_length: 262_144,
    input_price_per_million: 0.08,
    output_price_per_million: 0.55,
  }),
  openRouter('moonshotai/kimi-k2', 'Kimi K2', 'Moonshot AI', false, {
    tools: true,
    context_length: 131_072,
    input_price_per_million: 0.5,
    output_price_per_million: 2.4,
  }),
  openRouter('perplexity/sonar', 'Sonar', 'Perplexity', true, {
    web_search: true,
    context_length: 127_072,
    input_price_per_million: 1,
    output_price_per_million: 1,
  }),

  // Direct to the vendor (BYOK, or the platform's OpenAI key)
  direct('openai', 'gpt-5', 'GPT-5 (OpenAI direct)', 'OpenAI', true, {
    vision: true,
    reasoning: true,
    tools: true,
    web_search: true,
    context_length: 400_000,
    input_price_per_million: 1.25,
    output_price_per_million: 10,
  }),
  direct('openai', 'gpt-5-mini', 'GPT-5 mini (OpenAI direct)', 'OpenAI', false, {
    vision: true,
    reasoning: true,
    tools: true,
    web_search: true,
    context_length: 400_000,
    input_price_per_million: 0.25,
    output_price_per_million: 2,
  }),
  direct('openai', 'gpt-4.1', 'GPT-4.1 (OpenAI direct)', 'OpenAI', true, {
    vision: true,
    tools: true,
    web_search: true,
    context_length: 1_047_576,
    input_price_per_million: 2,
    output_price_per_million: 8,
  }),
  direct('openai', 'gpt-4o-mini', 'GPT-4o mini (OpenAI direct)', 'OpenAI', false, {
    vision: true,
    tools: true,
    context_length: 128_000,
    input_price_per_million: 0.15,
    output_price_per_million: 0.6,
  }),
  direct(
    'anthropic',
    'claude-sonnet-4-5',
    'Claude Sonnet 4.5 (Anthropic direct)',
    'Anthropic',
    true,
    {
      vision: true,
      reasoning: true,
      tools: true,
      context_length: 200_000,
      input_price_per_million: 3,
      output_price_per_million: 15,
    }
  ),
  direct(
    'anthropic',
    'claude-haiku-4-5',
    'Claude Haiku 4.5 (Anthropic direct)',
    'Anthropic',
    false,
    {
      vision: true,
      reasoning: true,
      tools: true,
      context_length: 200_000,
      input_price_per_million: 1,
      output_price_per_million: 5,
    }
  ),
  direct('google', 'gemini-2.5-pro', 'Gemini 2.5 Pro (Google direct)', 'Google', true, {
    vision: true,
    reasoning: true,
    tools: true,
    context_length: 1_048_576,
    input_price_per_million: 1.25,
    output_price_per_million: 10,
  }),
  direct('google', 'gemini-2.5-flash', 'Gemini 2.5 Flash (Google direct)', 'Google', false, {
    vision: true,
    reasoning: true,
    tools: true,
    context_length: 1_048_576,
    input_price_per_million: 0.3,
    output_price_per_million: 2.5,
  }),
]

/*
| Models served by an operator's OpenAI-compatible endpoint (Ollama, vLLM),
| listed in OPENAI_COMPATIBLE_MODELS. Catalog ids get a `local/` prefix so
| they can never collide with an OpenRouter or vendor id.
*/
export function compatibleModels(): CuratedModel[] {
  if (!env.get('OPENAI_COMPATIBLE_BASE_URL')) return []
  const label = env.get('OPENAI_COMPATIBLE_NAME') || 'Self-hosted'
  return (env.get('OPENAI_COMPATIBLE_MODELS') ?? '')
    .split(',')
    .map((name) => name.trim())
    .filter(Boolean)
    .map((name) => ({
      id: `local/${name}`,
      upstreamId: name,
      name: `${name} (${label})`,
      vendor: label,
      provider: 'openai_compatible' as const,
      paid: false,
      byok: false,
      capabilities: caps({
        tools: true,
        context_length: null,
        input_price_per_million: 0,
        output_price_per_million: 0,
      }),
    }))
}

/*
| The model a new chat starts with when the user can use it (see
| DefaultModelService for what is picked when they cannot).
*/
export const DEFAULT_MODEL_ID = 'openai/gpt-5-mini'

export const EMULATOR_MODEL_ID = 'dev/emulator'

/*
| The development emulator model: answers from the in-process LLM emulator,
| so `npm run dev` and the tests chat with no keys. Never in production
| (the production guard refuses LLM_EMULATOR=true there).
*/
export function emulatorEnabled(): boolean {
  if (env.get('NODE_ENV') === 'production') return false
  return env.get('LLM_EMULATOR', true)
}

export const emulatorModel: CuratedModel = {
  id: EMULATOR_MODEL_ID,
  upstreamId: 'emulator',
  name: 'Development emulator',
  vendor: 'Development',
  description: 'Local stand-in that echoes your message. Development and tests only.',
  provider: 'emulator',
  paid: false,
  byok: false,
  capabilities: caps({
    tools: false,
    context_length: 128_000,
    input_price_per_million: 0,
    output_price_per_million: 0,
  }),
}

/* The full curated catalog for this environment. */
export function catalogModels(): CuratedModel[] {
  return [...curatedModels, ...compatibleModels(), ...(emulatorEnabled() ? [emulatorModel] : [])]
}
