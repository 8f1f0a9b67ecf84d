import { Head } from '@inertiajs/react'
import { ArrowLeftIcon } from 'lucide-react'
import { ErrorScreen } from '~/components/error_screen'
import { Button } from '~/components/ui/button'
import type { InertiaProps } from '~/types'

export default function NotFound({ user }: InertiaProps) {
  return (
    <>
      <Head title="Page not found" />
      <ErrorScreen
        code="404"
        title="Page not found"
        actions={
          <>
            <Button asChild>
              <a href={user ? '/chat' : '/'}>
                <ArrowLeftIcon />
                {user ? 'Back to your chats' : 'Back to the home page'}
              </a>
            </Button>
          </>
        }
      >
        <p>The page you asked for doesn't exist, or it has moved.</p>
      </ErrorScreen>
    </>
  )
}
