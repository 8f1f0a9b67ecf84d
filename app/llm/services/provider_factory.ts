import { inject } from '@adonisjs/core'
import app from '@adonisjs/core/services/app'
import type { LanguageModel } from 'ai'
import { createOpenAI } from '@ai-sdk/openai'
import { createOpenRouter } from '@openrouter/ai-sdk-provider'
import { createOpenAICompatible } from '@ai-sdk/openai-compatible'
import env from '#start/env'
import LlmEndpoints from '#llm/llm_endpoints'
import { devEmulator } from '#llm/emulator/dev_emulator'
import { openRouterFetch } from '#llm/openrouter_sse'
import { emulatorEnabled } from '#config/models'
import type { CatalogModel } from '#catalog/catalog_types'
import type { ResolvedKey } from '#keys/services/key_resolver'

export class ProviderUnavailableError extends Error {}

/*
|--------------------------------------------------------------------------
| Provider factory
|--------------------------------------------------------------------------
|
| A catalog model + the key KeyResolver picked -> an AI SDK LanguageModel.
|
| - openrouter: @openrouter/ai-sdk-provider (Chat Completions), "strict"
|   mode so usage (tokens and cost) arrives in the final chunk. Its fetch is
|   openRouterFetch: the global fetch, except for streaming answers that
|   asked to read their event stream themselves (see openrouter_sse.ts).
| - openai: @ai-sdk/openai's Responses API (`openai.responses(id)`), OpenAI's
|   current API: reasoning summaries and built-in tools (web search, image
|   generation) only exist there, and usage arrives in response.completed.
| - anthropic, google (direct, BYOK): their OpenAI-compatible Chat
|   Completions endpoints through @ai-sdk/openai-compatible, so no extra SDK.
| - openai_compatible: the operator's Ollama/vLLM (OPENAI_COMPATIBLE_*).
| - emulator: the in-process LLM emulator (never in production).
|
| Nothing here logs; the key only lives inside the returned model's closure.
|
*/
@inject()
export default class ProviderFactory {
  constructor(protected endpoints: LlmEndpoints) {}

  async languageModel(model: CatalogModel, key: ResolvedKey): Promise<LanguageModel> {
    if (key.provider !== model.provider) {
      throw new Error(`Key for ${key.provider} cannot serve a ${model.provider} model`)
    }
    const urls = this.endpoints.urls
    const id = model.upstreamId

    switch (model.provider) {
      case 'openrouter':
        return createOpenRouter({
          baseURL: urls.openrouter,
          apiKey: requireKey(key),
          compatibility: 'strict',
          appName: env.get('APP_NAME', 'Chat'),
          appUrl: env.get('APP_URL'),
          fetch: openRouterFetch,
        }).chat(id, { usage: { include: true } })

      case 'openai':
        return createOpenAI({ baseURL: urls.openai, apiKey: requireKey(key) }).responses(id)

      case 'anthropic':
        return createOpenAICompatible({
          name: 'anthropic',
          baseURL: urls.anthropic,
          apiKey: requireKey(key),
          includeUsage: true,
        }).chatModel(id)

      case 'google':
        return createOpenAICompatible({
          name: 'google',
          baseURL: `${urls.google}/openai`,
          apiKey: requireKey(key),
          includeUsage: true,
        }).chatModel(id)

      case 'openai_compatible': {
        if (!urls.openaiCompatible) {
          throw new ProviderUnavailableError('OPENAI_COMPATIBLE_BASE_URL is not set')
        }
        return createOpenAICompatible({
          name: 'openai_compatible',
          baseURL: urls.openaiCompatible,
          apiKey: key.apiKey,
          includeUsage: true,
        }).chatModel(id)
      }

      case 'emulator': {
        if (app.inProduction || !emulatorEnabled()) {
          throw new ProviderUnavailableError(
            'The development emulator model never runs in production'
          )
        }
        const emulator = await devEmulator()
        return createOpenAICompatible({
          name: 'emulator',
          baseURL: emulator.openaiBaseUrl,
          apiKey: 'emulator',
          includeUsage: true,
        }).chatModel(id)
      }
    }
  }
}

function requireKey(key: ResolvedKey): string {
  if (!key.apiKey) throw new ProviderUnavailableError(`No API key resolved for ${key.provider}`)
  return key.apiKey
}
