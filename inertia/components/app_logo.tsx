import { cn } from '~/lib/utils'

export const appName = import.meta.env.VITE_APP_NAME || 'Chat'

/* The product mark: a speech bubble in a rounded square, in the theme's primary colour. */
export function AppMark({ className }: { className?: string }) {
  return (
    <span
      aria-hidden="true"
      className={cn(
        'inline-flex size-7 shrink-0 items-center justify-center rounded-lg bg-primary text-primary-foreground shadow-sm',
        className
      )}
    >
      <svg viewBox="0 0 32 32" className="size-[70%]" fill="none">
        <path
          d="M9 12.5a3.5 3.5 0 0 1 3.5-3.5h7a3.5 3.5 0 0 1 3.5 3.5v4a3.5 3.5 0 0 1-3.5 3.5H15l-4 3v-3.2A3.5 3.5 0 0 1 9 16.5z"
          stroke="currentColor"
          strokeWidth="2.2"
          strokeLinejoin="round"
        />
      </svg>
    </span>
  )
}

export function AppLogo({ className }: { className?: string }) {
  return (
    <span className={cn('inline-flex items-center gap-2.5', className)}>
      <AppMark />
      <span className="text-[15px] font-semibold tracking-tight">{appName}</span>
    </span>
  )
}
