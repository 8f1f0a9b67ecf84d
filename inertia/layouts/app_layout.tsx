import { usePage } from '@inertiajs/react'
import type { ReactNode } from 'react'
import { AppSidebar } from '~/components/app_sidebar'
import { SidebarInset, SidebarProvider, SidebarTrigger } from '~/components/ui/sidebar'
import { Tooltip, TooltipContent, TooltipTrigger } from '~/components/ui/tooltip'
import type { InertiaProps } from '~/types'

const isMac = typeof navigator !== 'undefined' && /Mac|iPhone|iPad/.test(navigator.platform)

/*
| The signed-in app shell: the sidebar (collapsible with the button or
| Ctrl/Cmd+B) and the main area. Pages use it as a persistent layout, so the
| sidebar keeps its state across Inertia visits.
*/
export default function AppLayout({
  children,
  title,
  chatList,
  newChat,
  actions,
  fitViewport = false,
}: {
  children: ReactNode
  /*
  | The page is exactly the viewport's height and scrolls inside (the chat
  | thread): its virtualized message list needs a bounded scroll container.
  */
  fitViewport?: boolean
  title?: ReactNode
  chatList?: ReactNode
  newChat?: ReactNode
  /* Shown at the right end of the header (the chat pages' sync status). */
  actions?: ReactNode
}) {
  const { user } = usePage<InertiaProps>().props

  return (
    <SidebarProvider>
      {user && <AppSidebar user={user} chatList={chatList} newChat={newChat} />}
      <SidebarInset className={fitViewport ? 'h-svh min-h-0 overflow-hidden' : 'min-h-svh'}>
        <header className="sticky top-0 z-10 flex h-12 shrink-0 items-center gap-2 border-b border-border/60 bg-background/80 px-3 backdrop-blur supports-[backdrop-filter]:bg-background/60">
          <Tooltip>
            <TooltipTrigger asChild>
              <SidebarTrigger aria-label="Toggle sidebar" />
            </TooltipTrigger>
            <TooltipContent side="bottom">
              Toggle sidebar{' '}
              <kbd className="ml-1 font-sans opacity-70">{isMac ? '⌘' : 'Ctrl+'}B</kbd>
            </TooltipContent>
          </Tooltip>
          {title && <div className="min-w-0 truncate text-sm font-medium">{title}</div>}
          {actions && <div className="ml-auto flex min-w-0 items-center gap-2">{actions}</div>}
        </header>
        <div className="flex min-h-0 flex-1 flex-col">{children}</div>
      </SidebarInset>
    </SidebarProvider>
  )
}
