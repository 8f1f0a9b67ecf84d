import { SquarePenIcon } from 'lucide-react'
import type { MouseEvent } from 'react'
import { SidebarMenuButton, SidebarMenuItem, useSidebar } from '~/components/ui/sidebar'
import { Tooltip, TooltipContent, TooltipTrigger } from '~/components/ui/tooltip'
import { NEW_CHAT_SHORTCUT_LABEL, startNewChat } from '~/hooks/use_chat_navigation'

/* "New chat" in the sidebar: a real link (new tab works) that opens the empty chat in place. */
export function NewChatButton() {
  const { isMobile, setOpenMobile } = useSidebar()
  const onClick = (event: MouseEvent<HTMLAnchorElement>) => {
    if (event.metaKey || event.ctrlKey || event.shiftKey || event.altKey || event.button !== 0) {
      return
    }
    event.preventDefault()
    if (isMobile) setOpenMobile(false)
    startNewChat()
  }

  return (
    <SidebarMenuItem>
      <Tooltip>
        <TooltipTrigger asChild>
          <SidebarMenuButton
            asChild
            variant="outline"
            className="group/new h-9 justify-start gap-2 font-medium"
          >
            <a href="/chat" onClick={onClick} aria-keyshortcuts="Control+Shift+O Meta+Shift+O">
              <SquarePenIcon />
              <span className="flex-1">New chat</span>
              <kbd className="hidden font-sans text-[11px] font-normal tracking-wide text-muted-foreground opacity-0 transition-opacity group-hover/new:opacity-100 md:inline">
                {NEW_CHAT_SHORTCUT_LABEL}
              </kbd>
            </a>
          </SidebarMenuButton>
        </TooltipTrigger>
        <TooltipContent side="right">
          New chat <kbd className="ml-1 font-sans opacity-70">{NEW_CHAT_SHORTCUT_LABEL}</kbd>
        </TooltipContent>
      </Tooltip>
    </SidebarMenuItem>
  )
}
