import { Link } from '@adonisjs/inertia/react'
import { MessageSquareDashedIcon, SquarePenIcon } from 'lucide-react'
import type { ReactNode } from 'react'
import { AccountMenu, type AccountUser } from '~/components/account_menu'
import { AppLogo } from '~/components/app_logo'
import {
  Sidebar,
  SidebarContent,
  SidebarFooter,
  SidebarGroup,
  SidebarGroupContent,
  SidebarGroupLabel,
  SidebarHeader,
  SidebarMenu,
  SidebarMenuButton,
  SidebarMenuItem,
  SidebarRail,
} from '~/components/ui/sidebar'

/* Shown in the chat list while the user has no chats. */
export function ChatListEmpty() {
  return (
    <div className="mx-2 mt-1 flex flex-col items-center gap-2 rounded-lg border border-dashed border-sidebar-border px-4 py-6 text-center">
      <MessageSquareDashedIcon className="size-5 text-muted-foreground" aria-hidden="true" />
      <p className="text-sm font-medium">No chats yet</p>
      <p className="text-xs leading-relaxed text-muted-foreground">
        Your conversations will appear here, on every device you sign in on.
      </p>
    </div>
  )
}

/*
| The app's left sidebar: the product, "New chat", the chat list and the
| account menu. `chatList` is where the list of chats goes; until there is
| one, the empty state shows.
*/
export function AppSidebar({
  user,
  chatList,
  newChat,
}: {
  user: AccountUser
  chatList?: ReactNode
  /* Replaces the default "New chat" link (the chat pages open a new chat without a request). */
  newChat?: ReactNode
}) {
  return (
    <Sidebar>
      <SidebarHeader className="gap-3 px-3 pt-3">
        <Link
          route="chat.index"
          className="rounded-md px-1 py-0.5 outline-none focus-visible:ring-2 focus-visible:ring-sidebar-ring"
        >
          <AppLogo />
        </Link>
        <SidebarMenu>
          {newChat ?? (
            <SidebarMenuItem>
              <SidebarMenuButton
                asChild
                variant="outline"
                className="h-9 justify-start gap-2 font-medium"
              >
                <Link route="chat.index">
                  <SquarePenIcon />
                  <span>New chat</span>
                </Link>
              </SidebarMenuButton>
            </SidebarMenuItem>
          )}
        </SidebarMenu>
      </SidebarHeader>
      <SidebarContent>
        <SidebarGroup>
          <SidebarGroupLabel>Chats</SidebarGroupLabel>
          <SidebarGroupContent>
            <nav aria-label="Chats">{chatList ?? <ChatListEmpty />}</nav>
          </SidebarGroupContent>
        </SidebarGroup>
      </SidebarContent>
      <SidebarFooter className="border-t border-sidebar-border p-2">
        <AccountMenu user={user} />
      </SidebarFooter>
      <SidebarRail />
    </Sidebar>
  )
}
