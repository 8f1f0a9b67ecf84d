import { Head } from '@inertiajs/react'
import type { InertiaProps } from '~/types'

/* A sign-in that could not finish: what happened, and a way to start again. */
type Props = InertiaProps<{ message: string; code: string }>

export default function SignInFailed({ message, code }: Props) {
  return (
    <>
      <Head title="Sign-in failed" />
      <main className="flex min-h-svh items-center justify-center bg-muted/40 px-4 py-12">
        <div className="w-full max-w-sm rounded-xl border bg-card p-6 text-card-foreground shadow-sm sm:p-8">
          <h1 className="text-xl font-semibold tracking-tight">We couldn’t sign you in</h1>
          <p className="mt-2 text-sm text-muted-foreground" role="alert">
            {message}
          </p>
          <div className="mt-6 flex flex-col gap-2">
            <a
              href="/sign-in"
              className="inline-flex h-10 w-full items-center justify-center rounded-md bg-primary px-4 text-sm font-medium text-primary-foreground shadow-xs transition-colors hover:bg-primary/90"
            >
              Sign in again
            </a>
            <a
              href="/"
              className="inline-flex h-10 w-full items-center justify-center rounded-md border bg-background px-4 text-sm font-medium transition-colors hover:bg-accent hover:text-accent-foreground"
            >
              Back to the home page
            </a>
          </div>
          <p className="mt-4 text-center text-xs text-muted-foreground">Reference: {code}</p>
        </div>
      </main>
    </>
  )
}
