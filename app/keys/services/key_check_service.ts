import { inject } from '@adonisjs/core'
import LlmEndpoints from '#llm/llm_endpoints'
import { PROVIDER_LABELS, type ByokProvider } from '#catalog/catalog_types'
import { KeyCheckUnavailableException, KeyRejectedException } from '#keys/key_errors'

const CHECK_TIMEOUT_MS = 10_000

/*
| Asks the provider whether a key works, with the cheapest authenticated call
| it offers, before anything is stored:
|   OpenRouter GET /key, OpenAI GET /models, Anthropic GET /models (x-api-key),
|   Google GET /models (x-goog-api-key header, never ?key= in a URL).
| Only the status is used: response bodies can echo the key.
*/
@inject()
export default class KeyCheckService {
  constructor(protected endpoints: LlmEndpoints) {}

  request(
    provider: ByokProvider,
    apiKey: string
  ): { url: string; headers: Record<string, string> } {
    const urls = this.endpoints.urls
    switch (provider) {
      case 'openrouter':
        return { url: `${urls.openrouter}/key`, headers: { authorization: `Bearer ${apiKey}` } }
      case 'openai':
        return { url: `${urls.openai}/models`, headers: { authorization: `Bearer ${apiKey}` } }
      case 'anthropic':
        return {
          url: `${urls.anthropic}/models?limit=1`,
          headers: { 'x-api-key': apiKey, 'anthropic-version': '2023-06-01' },
        }
      case 'google':
        return { url: `${urls.google}/models?pageSize=1`, headers: { 'x-goog-api-key': apiKey } }
    }
  }

  /* Resolves when the key works; throws KeyRejectedException / KeyCheckUnavailableException. */
  async verify(provider: ByokProvider, apiKey: string): Promise<void> {
    const label = PROVIDER_LABELS[provider]
    const { url, headers } = this.request(provider, apiKey)
    let status: number
    try {
      const response = await fetch(url, {
        headers: { ...headers, accept: 'application/json' },
        signal: AbortSignal.timeout(CHECK_TIMEOUT_MS),
        redirect: 'error',
      })
      status = response.status
      // Drain without reading it into anything that could be logged.
      await response.body?.cancel()
    } catch (error) {
      const timedOut = (error as Error)?.name === 'TimeoutError'
      throw new KeyCheckUnavailableException(
        timedOut
          ? `${label} did not answer in time, so the key could not be checked. Nothing was saved; try again.`
          : `Couldn't reach ${label} to check the key. Nothing was saved; try again.`
      )
    }

    if (status >= 200 && status < 300) return
    if (status === 401 || status === 403 || (provider === 'google' && status === 400)) {
      throw new KeyRejectedException(
        `${label} rejected this key (HTTP ${status}). Nothing was saved.`
      )
    }
    if (status === 402) {
      throw new KeyRejectedException(
        `${label} says this key's account has no credits. Nothing was saved.`
      )
    }
    if (status === 429) {
      throw new KeyCheckUnavailableException(
        `${label} is rate limiting requests, so the key could not be checked. Nothing was saved; try again in a moment.`
      )
    }
    throw new KeyCheckUnavailableException(
      `${label} answered HTTP ${status} while checking the key. Nothing was saved; try again.`
    )
  }
}
