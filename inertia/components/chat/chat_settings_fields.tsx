import { RotateCcwIcon } from 'lucide-react'
import { useId } from 'react'
import { LIMITS } from '#shared/livestore/schema'
import { promptCounter, TEMPERATURE_STEP } from '#shared/chat/chat_settings'
import { Button } from '~/components/ui/button'
import { Input } from '~/components/ui/input'
import { Label } from '~/components/ui/label'
import { Slider } from '~/components/ui/slider'
import { Textarea } from '~/components/ui/textarea'
import { cn } from '~/lib/utils'

/* Where the thumb rests while the temperature is the model's default (shown muted). */
const SLIDER_REST = 1

function FieldError({ id, message }: { id: string; message?: string }) {
  if (!message) return null
  return (
    <p id={id} role="alert" className="text-sm text-destructive" data-testid="settings-error">
      {message}
    </p>
  )
}

export function SystemPromptField({
  value,
  error,
  onChange,
}: {
  value: string
  error?: string
  onChange: (value: string) => void
}) {
  const id = useId()
  const counter = promptCounter(value.length)
  return (
    <div className="grid gap-2">
      <div className="flex items-baseline justify-between gap-2">
        <Label htmlFor={id}>System prompt</Label>
        {counter && (
          <span
            className={cn(
              'text-xs tabular-nums text-muted-foreground',
              counter.over && 'font-medium text-destructive'
            )}
            data-testid="system-prompt-counter"
            aria-live="polite"
          >
            {counter.text}
          </span>
        )}
      </div>
      {/*
      | No maxLength: it would silently cut a pasted prompt; the length shows
      | as an error instead and Save waits until it fits.
      */}
      <Textarea
        id={id}
        autoFocus
        value={value}
        onChange={(event) => onChange(event.target.value)}
        placeholder="You are a concise assistant. Answer in British English."
        aria-invalid={error ? true : undefined}
        aria-describedby={`${id}-help ${id}-error`}
        spellCheck
        className="max-h-[40svh] min-h-32 resize-y field-sizing-fixed text-sm leading-relaxed"
        rows={6}
      />
      <p id={`${id}-help`} className="text-xs text-muted-foreground">
        The model reads this before every message of this chat. Up to{' '}
        {LIMITS.systemPromptLength.toLocaleString('en-US')} characters.
      </p>
      <FieldError id={`${id}-error`} message={error} />
    </div>
  )
}

export function TemperatureField({
  value,
  error,
  onType,
  onSlide,
  onReset,
}: {
  /* As typed; '' = the model's default. */
  value: string
  error?: string
  onType: (value: string) => void
  onSlide: (value: number) => void
  onReset: () => void
}) {
  const id = useId()
  const isDefault = value.trim() === ''
  const number = Number(value.replace(',', '.'))
  const sliderValue = isDefault || error || !Number.isFinite(number) ? SLIDER_REST : number
  return (
    <div className="grid gap-3">
      <div className="flex items-center justify-between gap-2">
        <Label htmlFor={id}>Temperature</Label>
        <div className="flex items-center gap-1.5">
          <Input
            id={id}
            value={value}
            onChange={(event) => onType(event.target.value)}
            inputMode="decimal"
            autoComplete="off"
            placeholder="Default"
            aria-invalid={error ? true : undefined}
            aria-describedby={`${id}-help ${id}-error`}
            className="h-8 w-20 text-right tabular-nums"
          />
          <Button
            type="button"
            variant="ghost"
            size="sm"
            onClick={onReset}
            disabled={isDefault}
            aria-label="Use the default temperature"
            className="text-muted-foreground"
          >
            <RotateCcwIcon />
            Default
          </Button>
        </div>
      </div>
      <Slider
        min={LIMITS.temperatureMin}
        max={LIMITS.temperatureMax}
        step={TEMPERATURE_STEP}
        value={[sliderValue]}
        onValueChange={([next]) => onSlide(next)}
        thumbLabel="Temperature slider"
        data-default={isDefault ? '' : undefined}
        className="data-[default]:opacity-50"
      />
      <div className="flex justify-between text-xs text-muted-foreground" aria-hidden="true">
        <span>Precise</span>
        <span>Creative</span>
      </div>
      <p id={`${id}-help`} className="text-xs text-muted-foreground">
        {isDefault
          ? 'Default: the model’s own setting. Move the slider or type a value to choose one.'
          : 'Lower is more focused and repeatable, higher more varied.'}
      </p>
      <FieldError id={`${id}-error`} message={error} />
    </div>
  )
}
