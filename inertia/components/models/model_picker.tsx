import { useId, useMemo, useRef, useState, type KeyboardEvent } from 'react'
import { Popover } from 'radix-ui'
import {
  BrainIcon,
  CheckIcon,
  ChevronsUpDownIcon,
  EyeIcon,
  GlobeIcon,
  ImageIcon,
  LockIcon,
  SearchIcon,
  WrenchIcon,
  type LucideIcon,
} from 'lucide-react'
import { Button } from '~/components/ui/button'
import { cn } from '~/lib/utils'
import type { CatalogEntry, ModelCapabilities } from './catalog_types'

const BADGES: Array<{ key: keyof ModelCapabilities; label: string; icon: LucideIcon }> = [
  { key: 'vision', label: 'Vision', icon: EyeIcon },
  { key: 'reasoning', label: 'Reasoning', icon: BrainIcon },
  { key: 'tools', label: 'Tools', icon: WrenchIcon },
  { key: 'image_generation', label: 'Image generation', icon: ImageIcon },
  { key: 'web_search', label: 'Web search', icon: GlobeIcon },
]

export function formatContext(tokens: number | null): string | null {
  if (!tokens) return null
  if (tokens >= 1_000_000) return `${Number((tokens / 1_000_000).toFixed(1))}M`
  return `${Math.round(tokens / 1000)}K`
}

export function formatPrice(capabilities: ModelCapabilities): string | null {
  const input = capabilities.input_price_per_million
  const output = capabilities.output_price_per_million
  if (input === null || output === null) return null
  if (input === 0 && output === 0) return 'Free'
  const money = (value: number) => `$${Number(value.toFixed(2))}`
  return `${money(input)} / ${money(output)} per M tokens`
}

/* Lower-case words of the query must all appear in the model's name, id, vendor or provider. */
export function matchesQuery(model: CatalogEntry, query: string): boolean {
  const haystack = `${model.name} ${model.id} ${model.vendor} ${model.providerLabel}`.toLowerCase()
  return query
    .toLowerCase()
    .split(/\s+/)
    .filter(Boolean)
    .every((word) => haystack.includes(word))
}

export function CapabilityBadges({
  capabilities,
  className,
}: {
  capabilities: ModelCapabilities
  className?: string
}) {
  return (
    <span className={cn('flex flex-wrap items-center gap-1', className)}>
      {BADGES.filter((badge) => capabilities[badge.key] === true).map(
        ({ key, label, icon: Icon }) => (
          <span
            key={key}
            title={label}
            className="inline-flex items-center gap-1 rounded border border-border/70 px-1 py-px text-[10px] leading-4 text-muted-foreground"
          >
            <Icon className="size-3" aria-hidden="true" />
            <span>{label}</span>
          </span>
        )
      )}
    </span>
  )
}

/*
| The model picker: a button that opens a searchable list grouped by vendor,
| with capability badges, context and price, and a lock with the reason on
| models the user's plan or keys don't allow (those can't be picked).
| Keyboard: type to filter, arrows to move, Enter to pick, Escape to close.
*/
export function ModelPicker({
  models,
  value,
  onChange,
  disabled,
  className,
}: {
  models: CatalogEntry[]
  value: string | null
  onChange: (modelId: string) => void
  disabled?: boolean
  className?: string
}) {
  const [open, setOpen] = useState(false)
  const [query, setQuery] = useState('')
  const [active, setActive] = useState(0)
  const listId = useId()
  const listRef = useRef<HTMLUListElement>(null)

  const selected = models.find((model) => model.id === value) ?? null
  const visible = useMemo(
    () => models.filter((model) => matchesQuery(model, query)),
    [models, query]
  )

  const choose = (model: CatalogEntry | undefined) => {
    if (!model || !model.access.usable) return
    onChange(model.id)
    setOpen(false)
    setQuery('')
  }

  const move = (delta: number) => {
    if (visible.length === 0) return
    const next = (active + delta + visible.length) % visible.length
    setActive(next)
    listRef.current?.querySelector(`[data-index="${next}"]`)?.scrollIntoView({ block: 'nearest' })
  }

  const onKeyDown = (event: KeyboardEvent<HTMLInputElement>) => {
    if (event.key === 'ArrowDown') {
      event.preventDefault()
      move(1)
    } else if (event.key === 'ArrowUp') {
      event.preventDefault()
      move(-1)
    } else if (event.key === 'Enter') {
      event.preventDefault()
      choose(visible[active])
    }
  }

  let lastVendor: string | null = null

  return (
    <Popover.Root
      open={open}
      onOpenChange={(next) => {
        setOpen(next)
        if (next) {
          setQuery('')
          setActive(
            Math.max(
              0,
              models.findIndex((model) => model.id === value)
            )
          )
        }
      }}
    >
      <Popover.Trigger asChild>
        <Button
          variant="outline"
          role="combobox"
          aria-expanded={open}
          aria-controls={listId}
          aria-label="Model"
          disabled={disabled}
          className={cn('w-full max-w-80 justify-between font-normal', className)}
          data-testid="model-picker"
        >
          <span className="truncate">{selected ? selected.name : 'Choose a model'}</span>
          <ChevronsUpDownIcon className="opacity-50" aria-hidden="true" />
        </Button>
      </Popover.Trigger>
      <Popover.Portal>
        <Popover.Content
          align="start"
          sideOffset={6}
          className="z-50 w-[min(28rem,calc(100vw-2rem))] overflow-hidden rounded-lg border bg-popover text-popover-foreground shadow-md outline-none"
        >
          <div className="flex items-center gap-2 border-b px-3">
            <SearchIcon className="size-4 shrink-0 text-muted-foreground" aria-hidden="true" />
            <input
              autoFocus
              value={query}
              onChange={(event) => {
                setQuery(event.target.value)
                setActive(0)
              }}
              onKeyDown={onKeyDown}
              placeholder="Search models"
              aria-label="Search models"
              aria-controls={listId}
              aria-activedescendant={visible[active] ? `${listId}-${active}` : undefined}
              className="h-10 w-full bg-transparent text-sm outline-none placeholder:text-muted-foreground"
            />
          </div>
          <ul
            ref={listRef}
            id={listId}
            role="listbox"
            aria-label="Models"
            className="max-h-96 overflow-y-auto p-1"
          >
            {visible.length === 0 && (
              <li className="px-3 py-6 text-center text-sm text-muted-foreground">
                No model matches “{query}”.
              </li>
            )}
            {visible.map((model, index) => {
              const heading = model.vendor !== lastVendor ? model.vendor : null
              lastVendor = model.vendor
              const locked = !model.access.usable
              const context = formatContext(model.capabilities.context_length)
              const price = formatPrice(model.capabilities)
              return (
                <li key={model.id} role="presentation">
                  {heading && (
                    <div className="px-2 pt-2 pb-1 text-xs font-medium text-muted-foreground">
                      {heading}
                    </div>
                  )}
                  <div
                    id={`${listId}-${index}`}
                    role="option"
                    data-index={index}
                    data-model-id={model.id}
                    aria-selected={model.id === value}
                    aria-disabled={locked}
                    onMouseEnter={() => setActive(index)}
                    onClick={() => choose(model)}
                    className={cn(
                      'flex cursor-pointer flex-col gap-1 rounded-md px-2 py-2 text-sm',
                      index === active && 'bg-accent text-accent-foreground',
                      locked && 'cursor-not-allowed opacity-70'
                    )}
                  >
                    <span className="flex items-center gap-2">
                      {locked ? (
                        <LockIcon className="size-3.5 shrink-0" aria-label="Locked" />
                      ) : (
                        <CheckIcon
                          className={cn('size-3.5 shrink-0', model.id !== value && 'invisible')}
                          aria-hidden="true"
                        />
                      )}
                      <span className="truncate font-medium">{model.name}</span>
                      <span className="ml-auto shrink-0 text-xs text-muted-foreground">
                        {[context, model.providerLabel].filter(Boolean).join(' · ')}
                      </span>
                    </span>
                    <span className="flex flex-wrap items-center gap-x-2 gap-y-1 pl-5.5">
                      <CapabilityBadges capabilities={model.capabilities} />
                      {price && <span className="text-xs text-muted-foreground">{price}</span>}
                    </span>
                    {!model.access.usable && (
                      <span
                        className="pl-5.5 text-xs text-muted-foreground"
                        data-testid="lock-reason"
                      >
                        {model.access.lock.message}
                      </span>
                    )}
                  </div>
                </li>
              )
            })}
          </ul>
        </Popover.Content>
      </Popover.Portal>
    </Popover.Root>
  )
}
