import { useRef } from 'react'
import { usePage } from '@inertiajs/react'
import { ChevronsUpDownIcon, LogOutIcon, SunMoonIcon } from 'lucide-react'
import { Avatar, AvatarFallback } from '~/components/ui/avatar'
import {
  DropdownMenu,
  DropdownMenuContent,
  DropdownMenuItem,
  DropdownMenuLabel,
  DropdownMenuSeparator,
  DropdownMenuSub,
  DropdownMenuSubContent,
  DropdownMenuSubTrigger,
  DropdownMenuTrigger,
} from '~/components/ui/dropdown-menu'
import {
  SidebarMenu,
  SidebarMenuButton,
  SidebarMenuItem,
  useSidebar,
} from '~/components/ui/sidebar'
import { ThemeRadioItems } from '~/components/theme_toggle'
import { csrfToken } from '~/lib/csrf'
import { wipeLocalData } from '~/livestore/local_data'
import { checkSession } from '~/hooks/use_session_watch'
import type { InertiaProps } from '~/types'

export type AccountUser = {
  email: string
  displayName: string
  initials: string
}

function Identity({ user }: { user: AccountUser }) {
  return (
    <>
      <Avatar className="size-8 rounded-lg">
        <AvatarFallback className="rounded-lg bg-primary text-xs font-medium text-primary-foreground">
          {user.initials}
        </AvatarFallback>
      </Avatar>
      <span className="grid min-w-0 flex-1 text-left text-sm leading-tight">
        <span className="truncate font-medium" data-testid="account-name">
          {user.displayName}
        </span>
        <span className="truncate text-xs text-muted-foreground">{user.email}</span>
      </span>
    </>
  )
}

/*
| The account menu at the foot of the sidebar: who is signed in, the theme,
| and sign out. Sign out is a real form POST (with the CSRF token) rather than
| an Inertia request, because in production it ends at Logto's sign-out page
| on another origin, which only a full navigation can follow.
*/
export function AccountMenu({ user }: { user: AccountUser }) {
  const { isMobile } = useSidebar()
  const signOutForm = useRef<HTMLFormElement>(null)
  const userId = usePage<InertiaProps>().props.user?.id

  return (
    <SidebarMenu>
      <SidebarMenuItem>
        <DropdownMenu>
          <DropdownMenuTrigger asChild>
            <SidebarMenuButton
              size="lg"
              aria-label={`Account menu for ${user.displayName}`}
              className="data-[state=open]:bg-sidebar-accent data-[state=open]:text-sidebar-accent-foreground"
            >
              <Identity user={user} />
              <ChevronsUpDownIcon className="ml-auto size-4 text-muted-foreground" />
            </SidebarMenuButton>
          </DropdownMenuTrigger>
          <DropdownMenuContent
            className="w-(--radix-dropdown-menu-trigger-width) min-w-60 rounded-lg"
            side={isMobile ? 'bottom' : 'right'}
            align="end"
            sideOffset={8}
          >
            <DropdownMenuLabel className="p-0 font-normal">
              <div className="flex items-center gap-2 px-1 py-1.5">
                <Identity user={user} />
              </div>
            </DropdownMenuLabel>
            <DropdownMenuSeparator />
            <DropdownMenuSub>
              <DropdownMenuSubTrigger>
                <SunMoonIcon />
                Theme
              </DropdownMenuSubTrigger>
              <DropdownMenuSubContent className="w-40">
                <ThemeRadioItems />
              </DropdownMenuSubContent>
            </DropdownMenuSub>
            <DropdownMenuSeparator />
            <DropdownMenuItem
              onSelect={() => {
                /*
                | The chats stored on this device go first (in every tab), then the
                | session. A session that already ended (expired, or signed out
                | elsewhere) has no CSRF secret left, so its POST would be refused:
                | such a page just leaves for the landing page.
                */
                void wipeLocalData()
                  .then(() => checkSession(userId))
                  .catch(() => 'active' as const)
                  .then((state) => {
                    if (state === 'signed_out') window.location.assign('/')
                    else signOutForm.current?.requestSubmit()
                  })
              }}
            >
              <LogOutIcon />
              Sign out
            </DropdownMenuItem>
          </DropdownMenuContent>
        </DropdownMenu>
        <form ref={signOutForm} method="post" action="/sign-out" hidden>
          <input type="hidden" name="_csrf" value={csrfToken() ?? ''} />
        </form>
      </SidebarMenuItem>
    </SidebarMenu>
  )
}
