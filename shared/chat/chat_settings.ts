/**
 * A chat's generation settings (system prompt, temperature) as the settings dialog edits them.
 * The checks use the limits the sync server decodes `v1.ChatSettingsSet` with (LIMITS in the
 * LiveStore schema): what the dialog lets a person save is exactly what the server accepts, and
 * a refused push, which would stall the device's sync, cannot come from here. Pure, unit tested.
 */
import { LIMITS } from '#shared/livestore/schema'

export interface ChatSettings {
  /** null: no system prompt. */
  systemPrompt: string | null
  /** null: the model's own default (the request carries no temperature). */
  temperature: number | null
}

export const DEFAULT_CHAT_SETTINGS: ChatSettings = { systemPrompt: null, temperature: null }

export const TEMPERATURE_STEP = 0.1

/** The counter shows from this share of the system prompt limit on. */
const COUNTER_FROM = 0.8

/**
 * What the fields hold while editing: the prompt as typed and the temperature as typed
 * ('' = the model's default). Text, not a number, so "1." or "abc" stays on screen with a
 * message instead of being silently turned into something else.
 */
export interface ChatSettingsDraft {
  systemPrompt: string
  temperature: string
}

export type ChatSettingsErrors = Partial<Record<keyof ChatSettings, string>>

export type ParsedChatSettings =
  { ok: true; settings: ChatSettings } | { ok: false; errors: ChatSettingsErrors }

/** At most two decimals, no trailing zeros: 0.7, 1, 0.25. */
export function formatTemperature(value: number): string {
  return String(Number(value.toFixed(2)))
}

export function draftOf(settings: ChatSettings): ChatSettingsDraft {
  return {
    systemPrompt: settings.systemPrompt ?? '',
    temperature: settings.temperature === null ? '' : formatTemperature(settings.temperature),
  }
}

const DECIMAL = /^(\d+(\.\d*)?|\.\d+)$/

function parseTemperature(text: string): number | null | string {
  // A decimal comma is how half the world types 0,7.
  const clean = text.trim().replace(',', '.')
  if (clean === '') return null
  const { temperatureMin: min, temperatureMax: max } = LIMITS
  if (!DECIMAL.test(clean)) return `Enter a number from ${min} to ${max}, or use the default.`
  const value = Number(clean)
  if (value < min || value > max) return `Temperature goes from ${min} to ${max}.`
  return value
}

/**
 * The settings a draft stands for, or why it cannot be saved. The prompt is kept as typed (the
 * model reads it verbatim); one of only whitespace means none, as the server reads it.
 */
export function parseChatSettings(draft: ChatSettingsDraft): ParsedChatSettings {
  const errors: ChatSettingsErrors = {}
  const over = draft.systemPrompt.length - LIMITS.systemPromptLength
  if (over > 0) {
    errors.systemPrompt = `${over.toLocaleString('en-US')} ${over === 1 ? 'character' : 'characters'} over the limit of ${LIMITS.systemPromptLength.toLocaleString('en-US')}.`
  }
  const temperature = parseTemperature(draft.temperature)
  if (typeof temperature === 'string') errors.temperature = temperature
  if (errors.systemPrompt || errors.temperature) return { ok: false, errors }
  return {
    ok: true,
    settings: {
      systemPrompt: draft.systemPrompt.trim() ? draft.systemPrompt : null,
      temperature: temperature as number | null,
    },
  }
}

export function sameSettings(a: ChatSettings, b: ChatSettings) {
  return a.systemPrompt === b.systemPrompt && a.temperature === b.temperature
}

/** What a chat row holds, whitespace-only prompts counted as none (the server ignores them). */
export function settingsOf(chat: { systemPrompt: string | null; temperature: number | null }) {
  return {
    systemPrompt: chat.systemPrompt?.trim() ? chat.systemPrompt : null,
    temperature: chat.temperature,
  }
}

/** A few words for the chat header when anything differs from the defaults; null otherwise. */
export function settingsSummary(settings: ChatSettings): string | null {
  const parts: string[] = []
  if (settings.systemPrompt !== null) parts.push('System prompt')
  if (settings.temperature !== null) parts.push(`Temp ${formatTemperature(settings.temperature)}`)
  return parts.length > 0 ? parts.join(' · ') : null
}

/** The prompt's length counter: shown near the limit only, where it helps. */
export function promptCounter(length: number): { text: string; over: boolean } | null {
  const limit = LIMITS.systemPromptLength
  if (length < limit * COUNTER_FROM) return null
  return {
    text: `${length.toLocaleString('en-US')} / ${limit.toLocaleString('en-US')}`,
    over: length > limit,
  }
}
