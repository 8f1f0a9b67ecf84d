import { Head } from '@inertiajs/react'
import type { InertiaProps } from '~/types'

/*
| The development identity provider's sign-in form (dev and tests only; in
| production, people sign in on Logto's own pages). A plain form post: the
| answer is a redirect back into the OpenID Connect flow, not an Inertia page.
*/
type Props = InertiaProps<{ action: string; csrfToken: string; emailHint: string }>

export default function DevSignIn({ action, csrfToken, emailHint, errors }: Props) {
  const fieldErrors = (errors ?? {}) as Record<string, string | string[] | undefined>
  const emailError = [fieldErrors.email].flat()[0]
  const nameError = [fieldErrors.name].flat()[0]

  return (
    <>
      <Head title="Sign in" />
      <main className="flex min-h-svh items-center justify-center bg-muted/40 px-4 py-12">
        <div className="w-full max-w-sm">
          <div className="rounded-xl border bg-card p-6 text-card-foreground shadow-sm sm:p-8">
            <span className="inline-flex items-center rounded-full border border-amber-500/40 bg-amber-500/10 px-2.5 py-0.5 text-xs font-medium text-amber-700 dark:text-amber-300">
              Development sign-in
            </span>
            <h1 className="mt-4 text-xl font-semibold tracking-tight">Sign in to Chat</h1>
            <p className="mt-1 text-sm text-muted-foreground">
              No password here: any email signs in, and a new one creates its account. In production
              this step happens on Logto.
            </p>

            <form method="post" action={action} className="mt-6 space-y-4" noValidate>
              <input type="hidden" name="_csrf" value={csrfToken} />

              <div className="space-y-1.5">
                <label htmlFor="email" className="text-sm font-medium">
                  Email
                </label>
                <input
                  id="email"
                  name="email"
                  type="email"
                  autoComplete="email"
                  autoFocus
                  required
                  defaultValue={emailHint}
                  placeholder="you@example.com"
                  aria-invalid={emailError ? true : undefined}
                  aria-describedby={emailError ? 'email-error' : undefined}
                  className="flex h-10 w-full rounded-md border border-input bg-background px-3 py-2 text-sm shadow-xs outline-none placeholder:text-muted-foreground focus-visible:border-ring focus-visible:ring-[3px] focus-visible:ring-ring/50 aria-invalid:border-destructive"
                />
                {emailError && (
                  <p id="email-error" className="text-sm text-destructive">
                    {emailError}
                  </p>
                )}
              </div>

              <div className="space-y-1.5">
                <label htmlFor="name" className="text-sm font-medium">
                  Display name <span className="font-normal text-muted-foreground">(optional)</span>
                </label>
                <input
                  id="name"
                  name="name"
                  type="text"
                  autoComplete="name"
                  maxLength={80}
                  placeholder="Ada Lovelace"
                  aria-invalid={nameError ? true : undefined}
                  className="flex h-10 w-full rounded-md border border-input bg-background px-3 py-2 text-sm shadow-xs outline-none placeholder:text-muted-foreground focus-visible:border-ring focus-visible:ring-[3px] focus-visible:ring-ring/50 aria-invalid:border-destructive"
                />
                {nameError && <p className="text-sm text-destructive">{nameError}</p>}
              </div>

              <button
                type="submit"
                className="inline-flex h-10 w-full items-center justify-center rounded-md bg-primary px-4 text-sm font-medium text-primary-foreground shadow-xs transition-colors hover:bg-primary/90 focus-visible:outline-none focus-visible:ring-[3px] focus-visible:ring-ring/50"
              >
                Continue
              </button>
            </form>
          </div>
          <p className="mt-4 text-center text-xs text-muted-foreground">
            Served by the development OpenID Connect provider at /oidc.
          </p>
        </div>
      </main>
    </>
  )
}
