import type { ReactNode } from 'react'
import { AppLogo } from '~/components/app_logo'
import { ThemeToggle } from '~/components/theme_toggle'

/* The frame of the 404 and server-error pages: logo, theme switch, a centred message. */
export function ErrorScreen({
  code,
  title,
  children,
  actions,
}: {
  code: string
  title: string
  children: ReactNode
  actions: ReactNode
}) {
  return (
    <div className="flex min-h-svh flex-col">
      <header className="mx-auto flex w-full max-w-6xl items-center justify-between px-5 py-4 sm:px-8">
        <a
          href="/"
          className="rounded-md outline-none focus-visible:ring-2 focus-visible:ring-ring"
        >
          <AppLogo />
        </a>
        <ThemeToggle />
      </header>
      <main className="flex flex-1 items-center justify-center px-6 pb-24">
        <div className="flex max-w-md flex-col items-center text-center">
          <p className="font-mono text-sm font-medium tracking-widest text-muted-foreground">
            {code}
          </p>
          <h1 className="mt-3 text-3xl font-semibold tracking-tight text-balance sm:text-4xl">
            {title}
          </h1>
          <div className="mt-3 text-muted-foreground text-balance">{children}</div>
          <div className="mt-8 flex flex-col items-center gap-3 sm:flex-row">{actions}</div>
        </div>
      </main>
    </div>
  )
}
