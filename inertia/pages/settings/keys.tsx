import { Head, router } from '@inertiajs/react'
import { useState, type FormEvent, type ReactNode } from 'react'
import { KeyRoundIcon, Loader2Icon, Trash2Icon } from 'lucide-react'
import { Button } from '~/components/ui/button'
import { Input } from '~/components/ui/input'
import { Label } from '~/components/ui/label'
import AppLayout from '~/layouts/app_layout'
import { csrfToken } from '~/lib/csrf'
import { ModelPicker } from '~/components/models/model_picker'
import { useModelCatalog } from '~/components/models/use_model_catalog'
import type { InertiaProps } from '~/types'

type Provider = 'openrouter' | 'openai' | 'anthropic' | 'google'

// A type alias (not an interface) so it satisfies Inertia's JSON props constraint.
type SavedKey = {
  provider: Provider
  label: string
  masked: string
  createdAt: string
  updatedAt: string
}

type Props = InertiaProps<{
  providers: Array<{ provider: Provider; label: string }>
  keys: SavedKey[]
}>

const HINTS: Record<Provider, { placeholder: string; where: string; href: string }> = {
  openrouter: {
    placeholder: 'sk-or-v1-…',
    where: 'One key for hundreds of models.',
    href: 'https://openrouter.ai/settings/keys',
  },
  openai: {
    placeholder: 'sk-…',
    where: 'For the “OpenAI direct” models.',
    href: 'https://platform.openai.com/api-keys',
  },
  anthropic: {
    placeholder: 'sk-ant-…',
    where: 'For the “Anthropic direct” models.',
    href: 'https://console.anthropic.com/settings/keys',
  },
  google: {
    placeholder: 'AIza…',
    where: 'For the “Google direct” models.',
    href: 'https://aistudio.google.com/app/apikey',
  },
}

function headers() {
  return {
    'accept': 'application/json',
    'content-type': 'application/json',
    'x-csrf-token': csrfToken() ?? '',
  }
}

async function errorMessage(response: Response): Promise<string> {
  try {
    const body = (await response.json()) as { errors?: Array<{ message?: string }> }
    return body.errors?.[0]?.message ?? `Something went wrong (HTTP ${response.status}).`
  } catch {
    return `Something went wrong (HTTP ${response.status}).`
  }
}

function ProviderKey({
  provider,
  label,
  saved,
  onChanged,
}: {
  provider: Provider
  label: string
  saved: SavedKey | undefined
  onChanged: () => void
}) {
  const [value, setValue] = useState('')
  const [busy, setBusy] = useState<'save' | 'delete' | null>(null)
  const [error, setError] = useState<string | null>(null)
  const [notice, setNotice] = useState<string | null>(null)
  const hint = HINTS[provider]
  const inputId = `key-${provider}`

  const save = async (event: FormEvent) => {
    event.preventDefault()
    setBusy('save')
    setError(null)
    setNotice(null)
    try {
      const response = await fetch(`/api/keys/${provider}`, {
        method: 'PUT',
        headers: headers(),
        credentials: 'same-origin',
        body: JSON.stringify({ apiKey: value }),
      })
      if (!response.ok) {
        setError(await errorMessage(response))
        return
      }
      const body = (await response.json()) as { replaced: boolean }
      setValue('')
      setNotice(body.replaced ? 'Key replaced.' : 'Key saved.')
      onChanged()
    } catch {
      setError('Could not reach the server. Nothing was saved.')
    } finally {
      setBusy(null)
    }
  }

  const remove = async () => {
    setBusy('delete')
    setError(null)
    setNotice(null)
    try {
      const response = await fetch(`/api/keys/${provider}`, {
        method: 'DELETE',
        headers: headers(),
        credentials: 'same-origin',
      })
      if (!response.ok && response.status !== 404) {
        setError(await errorMessage(response))
        return
      }
      setNotice('Key deleted.')
      onChanged()
    } catch {
      setError('Could not reach the server.')
    } finally {
      setBusy(null)
    }
  }

  return (
    <section
      aria-labelledby={`${inputId}-title`}
      data-testid={`provider-${provider}`}
      className="rounded-xl border bg-card p-4 shadow-xs"
    >
      <div className="flex flex-wrap items-start justify-between gap-2">
        <div>
          <h2 id={`${inputId}-title`} className="font-medium">
            {label}
          </h2>
          <p className="text-sm text-muted-foreground">
            {hint.where}{' '}
            <a href={hint.href} target="_blank" rel="noreferrer noopener" className="underline">
              Get a key
            </a>
          </p>
        </div>
        {saved ? (
          <div className="flex items-center gap-2">
            <span
              className="rounded-md bg-muted px-2 py-1 font-mono text-xs"
              data-testid="masked-key"
              title={`Saved ${new Date(saved.updatedAt).toLocaleString()}`}
            >
              {saved.masked}
            </span>
            <Button
              type="button"
              variant="ghost"
              size="icon-sm"
              onClick={remove}
              disabled={busy !== null}
              aria-label={`Delete ${label} key`}
            >
              {busy === 'delete' ? <Loader2Icon className="animate-spin" /> : <Trash2Icon />}
            </Button>
          </div>
        ) : (
          <span className="text-xs text-muted-foreground">No key</span>
        )}
      </div>
      <form onSubmit={save} className="mt-3 flex flex-wrap items-end gap-2" autoComplete="off">
        <div className="grid min-w-60 flex-1 gap-1.5">
          <Label htmlFor={inputId} className="sr-only">
            {label} API key
          </Label>
          <Input
            id={inputId}
            type="password"
            name="apiKey"
            autoComplete="off"
            spellCheck={false}
            placeholder={saved ? 'Paste a new key to replace it' : hint.placeholder}
            value={value}
            onChange={(event) => setValue(event.target.value)}
            aria-invalid={error ? true : undefined}
            aria-describedby={error ? `${inputId}-error` : undefined}
          />
        </div>
        <Button type="submit" disabled={busy !== null || value.trim().length === 0}>
          {busy === 'save' && <Loader2Icon className="animate-spin" />}
          {busy === 'save' ? 'Checking…' : saved ? 'Replace' : 'Save'}
        </Button>
      </form>
      {error && (
        <p id={`${inputId}-error`} role="alert" className="mt-2 text-sm text-destructive">
          {error}
        </p>
      )}
      {notice && (
        <p role="status" className="mt-2 text-sm text-muted-foreground">
          {notice}
        </p>
      )}
    </section>
  )
}

export default function KeysSettings({ providers, keys }: Props) {
  const catalog = useModelCatalog()
  const [model, setModel] = useState<string | null>(null)

  const changed = () => {
    router.reload({ only: ['keys'] })
    void catalog.reload()
  }

  return (
    <>
      <Head title="API keys" />
      <div className="mx-auto flex w-full max-w-2xl flex-col gap-6 px-4 py-8">
        <header className="flex flex-col gap-1">
          <h1 className="flex items-center gap-2 text-xl font-semibold tracking-tight">
            <KeyRoundIcon className="size-5" aria-hidden="true" />
            API keys
          </h1>
          <p className="text-sm text-muted-foreground">
            Use your own provider keys. Each key is checked with the provider before it is saved,
            stored encrypted, and never shown again: only its last 4 characters. Answers from your
            key don't count against your plan.
          </p>
        </header>

        {providers.map(({ provider, label }) => (
          <ProviderKey
            key={provider}
            provider={provider}
            label={label}
            saved={keys.find((key) => key.provider === provider)}
            onChanged={changed}
          />
        ))}

        <section aria-labelledby="models-title" className="flex flex-col gap-2">
          <h2 id="models-title" className="font-medium">
            Models
          </h2>
          <p className="text-sm text-muted-foreground">
            What you can use with your plan and keys. Locked models say what unlocks them.
          </p>
          {catalog.error && <p className="text-sm text-destructive">{catalog.error}</p>}
          {catalog.models && (
            <ModelPicker models={catalog.models} value={model} onChange={setModel} />
          )}
        </section>
      </div>
    </>
  )
}

KeysSettings.layout = (page: ReactNode) => <AppLayout title="Settings">{page}</AppLayout>
