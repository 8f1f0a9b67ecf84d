import { Head } from '@inertiajs/react'
import {
  ArrowRightIcon,
  CloudIcon,
  GitBranchIcon,
  KeyRoundIcon,
  RefreshCwIcon,
  ShieldCheckIcon,
  SparklesIcon,
} from 'lucide-react'
import { AppLogo, AppMark, appName } from '~/components/app_logo'
import { ThemeToggle } from '~/components/theme_toggle'
import { Button } from '~/components/ui/button'
import type { InertiaProps } from '~/types'

const features = [
  {
    icon: SparklesIcon,
    title: 'Every model, one place',
    text: 'OpenAI, Anthropic and Google directly, and hundreds more through OpenRouter or any OpenAI-compatible endpoint. Switch mid-conversation.',
  },
  {
    icon: KeyRoundIcon,
    title: 'Bring your own keys',
    text: 'Add your provider keys and pay them directly. Keys are encrypted at rest, used only for your calls and never shown again.',
  },
  {
    icon: CloudIcon,
    title: 'Local-first history',
    text: 'Your chats live in your browser, open instantly and work offline, then sync across every device you sign in on.',
  },
  {
    icon: GitBranchIcon,
    title: 'Branch any conversation',
    text: 'Edit a message or regenerate an answer to explore another path. Every branch is kept; switch between them in a click.',
  },
  {
    icon: RefreshCwIcon,
    title: 'Streams that survive a reload',
    text: 'Answers are generated on the server. Close the tab or lose the connection and pick the stream up where it left off.',
  },
  {
    icon: ShieldCheckIcon,
    title: 'Private by design',
    text: 'Each account reaches only its own data. Sessions are HTTP-only, every page ships a strict content security policy.',
  },
]

const models = ['GPT', 'Claude', 'Gemini', 'Llama', 'Mistral', 'DeepSeek', 'Qwen']

/*
| A still picture of the product: a conversation with a model picker and a
| branch switcher, drawn with plain elements so it follows the theme.
*/
function ProductPreview() {
  return (
    <div
      aria-hidden="true"
      className="relative mx-auto w-full max-w-3xl rounded-2xl border bg-card/80 p-2 shadow-2xl shadow-black/5 ring-1 ring-black/[0.02] backdrop-blur dark:shadow-black/40 dark:ring-white/[0.03]"
    >
      <div className="flex overflow-hidden rounded-xl border bg-background">
        <div className="hidden w-48 shrink-0 flex-col gap-1 border-r bg-sidebar p-3 text-left sm:flex">
          <div className="mb-2 h-7 rounded-md border bg-background" />
          {['Trip to Lisbon', 'Refactor the parser', 'Essay outline', 'SQL window functions'].map(
            (title, index) => (
              <div
                key={title}
                className={
                  index === 1
                    ? 'truncate rounded-md bg-sidebar-accent px-2 py-1.5 text-xs font-medium'
                    : 'truncate rounded-md px-2 py-1.5 text-xs text-muted-foreground'
                }
              >
                {title}
              </div>
            )
          )}
        </div>
        <div className="flex min-w-0 flex-1 flex-col">
          <div className="flex items-center justify-between border-b px-4 py-2.5">
            <span className="text-xs font-medium">Refactor the parser</span>
            <span className="inline-flex items-center gap-1.5 rounded-full border px-2 py-0.5 text-[11px] text-muted-foreground">
              <span className="size-1.5 rounded-full bg-emerald-500" />
              claude-sonnet
            </span>
          </div>
          <div className="flex flex-col gap-4 p-4 text-left text-[13px] leading-relaxed sm:p-5">
            <div className="ml-auto max-w-[80%] rounded-2xl rounded-br-md bg-secondary px-3.5 py-2">
              Can you split the tokenizer out of the parser and keep the public API?
            </div>
            <div className="max-w-[92%] text-foreground/90">
              <p>
                Sure. Move{' '}
                <code className="rounded bg-muted px-1 py-0.5 text-[12px]">tokenize()</code> into
                its own module and have the parser take a token stream:
              </p>
              <div className="mt-2.5 space-y-1.5 rounded-lg border bg-muted/40 p-3 font-mono text-[11.5px] text-muted-foreground">
                <div className="h-2 w-3/4 rounded bg-foreground/10" />
                <div className="h-2 w-1/2 rounded bg-foreground/10" />
                <div className="h-2 w-2/3 rounded bg-foreground/10" />
              </div>
              <div className="mt-3 flex items-center gap-2 text-[11px] text-muted-foreground">
                <GitBranchIcon className="size-3.5" />
                <span>Branch 2 of 3</span>
              </div>
            </div>
          </div>
          <div className="mt-auto p-3 pt-0 sm:p-4 sm:pt-0">
            <div className="flex items-center justify-between rounded-xl border bg-background px-3.5 py-2.5 text-[13px] text-muted-foreground shadow-xs">
              Ask anything…
              <span className="inline-flex size-6 items-center justify-center rounded-md bg-primary text-primary-foreground">
                <ArrowRightIcon className="size-3.5" />
              </span>
            </div>
          </div>
        </div>
      </div>
    </div>
  )
}

function PrimaryAction({ signedIn, size }: { signedIn: boolean; size?: 'default' | 'lg' }) {
  /*
  | Plain links, not Inertia visits: sign-in continues at the identity
  | provider, which only a full navigation can reach.
  */
  return signedIn ? (
    <Button asChild size={size}>
      <a href="/chat">
        Open app
        <ArrowRightIcon />
      </a>
    </Button>
  ) : (
    <Button asChild size={size}>
      <a href="/sign-in">
        Sign in
        <ArrowRightIcon />
      </a>
    </Button>
  )
}

export default function Landing({ user }: InertiaProps) {
  const signedIn = Boolean(user)

  return (
    <>
      <Head title="Every model, one calm place to think" />
      <div className="relative isolate flex min-h-svh flex-col overflow-hidden">
        <div
          aria-hidden="true"
          className="pointer-events-none absolute inset-x-0 top-0 -z-10 h-[640px] bg-[radial-gradient(60%_50%_at_50%_0%,oklch(0.556_0_0/0.12),transparent)] dark:bg-[radial-gradient(60%_50%_at_50%_0%,oklch(0.985_0_0/0.08),transparent)]"
        />
        <div
          aria-hidden="true"
          className="pointer-events-none absolute inset-x-0 top-0 -z-10 h-[640px] bg-[linear-gradient(to_right,var(--border)_1px,transparent_1px),linear-gradient(to_bottom,var(--border)_1px,transparent_1px)] [mask-image:radial-gradient(ellipse_60%_50%_at_50%_0%,black,transparent)] bg-[size:48px_48px] opacity-60"
        />

        <header className="mx-auto flex w-full max-w-6xl items-center justify-between px-5 py-4 sm:px-8">
          <a
            href="/"
            className="rounded-md outline-none focus-visible:ring-2 focus-visible:ring-ring"
          >
            <AppLogo />
          </a>
          <nav aria-label="Main" className="flex items-center gap-1.5">
            <a
              href="#features"
              className="hidden rounded-md px-3 py-2 text-sm text-muted-foreground transition-colors hover:text-foreground sm:inline-block"
            >
              Features
            </a>
            <ThemeToggle />
            {signedIn ? (
              <Button asChild size="sm" className="ml-1">
                <a href="/chat">Open app</a>
              </Button>
            ) : (
              <Button asChild size="sm" variant="outline" className="ml-1">
                <a href="/sign-in">Sign in</a>
              </Button>
            )}
          </nav>
        </header>

        <main className="flex-1">
          <section className="mx-auto flex max-w-6xl flex-col items-center px-5 pt-14 pb-16 text-center sm:px-8 sm:pt-24">
            <span className="inline-flex items-center gap-2 rounded-full border bg-background/70 px-3 py-1 text-xs text-muted-foreground shadow-xs backdrop-blur">
              <span className="size-1.5 rounded-full bg-emerald-500" />
              Bring your own keys · Local-first · Synced
            </span>
            <h1 className="mt-6 max-w-3xl text-4xl font-semibold tracking-tight text-balance sm:text-6xl sm:leading-[1.05]">
              Every model. One calm place to think.
            </h1>
            <p className="mt-5 max-w-2xl text-base leading-relaxed text-muted-foreground text-balance sm:text-lg">
              Chat with OpenAI, Anthropic, Google and hundreds more through OpenRouter, with your
              own keys. Your history stays on your device, syncs across all of them, branches when
              you want another take, and keeps streaming through a reload.
            </p>
            <div className="mt-8 flex flex-col items-center gap-3 sm:flex-row">
              <PrimaryAction signedIn={signedIn} size="lg" />
              <Button asChild size="lg" variant="ghost">
                <a href="#features">See what's inside</a>
              </Button>
            </div>
            <ul
              aria-label="Model families"
              className="mt-10 flex max-w-2xl flex-wrap items-center justify-center gap-x-6 gap-y-2 text-sm font-medium text-muted-foreground/80"
            >
              {models.map((model) => (
                <li key={model}>{model}</li>
              ))}
              <li className="text-muted-foreground/60">and more</li>
            </ul>
            <div className="mt-14 w-full">
              <ProductPreview />
            </div>
          </section>

          <section
            id="features"
            aria-labelledby="features-title"
            className="mx-auto max-w-6xl scroll-mt-8 px-5 py-16 sm:px-8 sm:py-24"
          >
            <div className="mx-auto max-w-2xl text-center">
              <h2
                id="features-title"
                className="text-3xl font-semibold tracking-tight text-balance"
              >
                Built for people who live in their chats
              </h2>
              <p className="mt-3 text-muted-foreground text-balance">
                The models you choose, the keys you own, and a history that is yours.
              </p>
            </div>
            <ul className="mt-12 grid gap-px overflow-hidden rounded-2xl border bg-border sm:grid-cols-2 lg:grid-cols-3">
              {features.map(({ icon: Icon, title, text }) => (
                <li key={title} className="flex flex-col gap-3 bg-background p-6 sm:p-7">
                  <span className="inline-flex size-9 items-center justify-center rounded-lg border bg-muted/50">
                    <Icon className="size-4.5" aria-hidden="true" />
                  </span>
                  <h3 className="font-medium tracking-tight">{title}</h3>
                  <p className="text-sm leading-relaxed text-muted-foreground">{text}</p>
                </li>
              ))}
            </ul>
          </section>

          <section className="mx-auto max-w-6xl px-5 pb-24 sm:px-8">
            <div className="flex flex-col items-center gap-5 rounded-2xl border bg-muted/40 px-6 py-12 text-center">
              <AppMark className="size-10 rounded-xl" />
              <h2 className="text-2xl font-semibold tracking-tight text-balance">
                {signedIn ? 'Welcome back.' : 'Start chatting in a minute.'}
              </h2>
              <p className="max-w-md text-sm text-muted-foreground text-balance">
                {signedIn
                  ? 'Your chats are where you left them.'
                  : 'Sign in, pick a model, and ask. Add your own keys whenever you like.'}
              </p>
              <PrimaryAction signedIn={signedIn} />
            </div>
          </section>
        </main>

        <footer className="border-t">
          <div className="mx-auto flex max-w-6xl flex-col items-center justify-between gap-2 px-5 py-6 text-xs text-muted-foreground sm:flex-row sm:px-8">
            <span>
              © {new Date().getFullYear()} {appName}
            </span>
            <span>Your keys, your history, your models.</span>
          </div>
        </footer>
      </div>
    </>
  )
}
