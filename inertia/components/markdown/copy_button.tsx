import { CheckIcon, CopyIcon } from 'lucide-react'
import { useEffect, useRef, useState } from 'react'
import { toast } from '~/components/chat/toast'
import { Button } from '~/components/ui/button'
import { cn } from '~/lib/utils'

/** Copies `text` (or what `getText` returns at click time) and shows a tick for a moment. */
export function CopyButton({
  text,
  label,
  className,
  testId,
}: {
  text: string | (() => string)
  label: string
  className?: string
  testId?: string
}) {
  const [copied, setCopied] = useState(false)
  const timer = useRef<ReturnType<typeof setTimeout>>(undefined)
  useEffect(() => () => clearTimeout(timer.current), [])

  const copy = async () => {
    try {
      await navigator.clipboard.writeText(typeof text === 'function' ? text() : text)
      setCopied(true)
      clearTimeout(timer.current)
      timer.current = setTimeout(() => setCopied(false), 1500)
    } catch {
      toast.error('Copying needs clipboard access in this browser.')
    }
  }

  return (
    <Button
      type="button"
      variant="ghost"
      size="icon-xs"
      aria-label={copied ? 'Copied' : label}
      title={copied ? 'Copied' : label}
      data-testid={testId}
      data-copied={copied || undefined}
      onClick={copy}
      className={cn('text-muted-foreground hover:text-foreground', className)}
    >
      {copied ? <CheckIcon /> : <CopyIcon />}
    </Button>
  )
}
