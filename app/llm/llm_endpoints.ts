import env from '#start/env'

/*
| Where each provider lives. Defaults are the public APIs; env overrides them
| (tests and operators point them at the LLM emulator or a proxy). Resolved
| from the container, so a test can swap in the emulator's URLs:
|   app.container.swap(LlmEndpoints, () => LlmEndpoints.forEmulator(emulator))
*/

export interface EndpointUrls {
  openrouter: string
  openai: string
  anthropic: string
  google: string
  /* Null when no OpenAI-compatible server is configured. */
  openaiCompatible: string | null
}

export const DEFAULT_ENDPOINTS = {
  openrouter: 'https://openrouter.ai/api/v1',
  openai: 'https://api.openai.com/v1',
  anthropic: 'https://api.anthropic.com/v1',
  google: 'https://generativelanguage.googleapis.com/v1beta',
} as const

function trimSlash(url: string): string {
  return url.replace(/\/+$/, '')
}

export function endpointsFromEnv(): EndpointUrls {
  const compatible = env.get('OPENAI_COMPATIBLE_BASE_URL')
  return {
    openrouter: trimSlash(env.get('OPENROUTER_BASE_URL') || DEFAULT_ENDPOINTS.openrouter),
    openai: trimSlash(env.get('OPENAI_BASE_URL') || DEFAULT_ENDPOINTS.openai),
    anthropic: trimSlash(env.get('ANTHROPIC_BASE_URL') || DEFAULT_ENDPOINTS.anthropic),
    google: trimSlash(env.get('GOOGLE_AI_BASE_URL') || DEFAULT_ENDPOINTS.google),
    openaiCompatible: compatible ? trimSlash(compatible) : null,
  }
}

export default class LlmEndpoints {
  readonly urls: EndpointUrls

  constructor(urls: Partial<EndpointUrls> = {}) {
    this.urls = { ...endpointsFromEnv(), ...urls }
  }

  /* Every provider pointed at one emulator (its URL shapes mirror the real APIs). */
  static forEmulator(emulator: {
    openRouterBaseUrl: string
    openaiBaseUrl: string
    anthropicBaseUrl: string
    googleBaseUrl: string
  }): LlmEndpoints {
    return new LlmEndpoints({
      openrouter: emulator.openRouterBaseUrl,
      openai: emulator.openaiBaseUrl,
      anthropic: emulator.anthropicBaseUrl,
      google: emulator.googleBaseUrl,
    })
  }
}
