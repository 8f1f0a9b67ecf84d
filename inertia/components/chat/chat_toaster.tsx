import { Toaster } from '~/components/chat/toast'
import { useTheme } from '~/lib/theme'

/* Toasts (delete with undo) in the app's theme. */
export function ChatToaster() {
  const { resolved } = useTheme()
  return (
    <Toaster
      theme={resolved}
      position="bottom-right"
      closeButton
      toastOptions={{
        classNames: {
          toast:
            'rounded-xl! border-border! bg-popover! text-popover-foreground! shadow-lg! font-sans!',
          description: 'text-muted-foreground! truncate max-w-56',
          actionButton: 'bg-primary! text-primary-foreground! rounded-md! font-medium!',
        },
      }}
    />
  )
}
