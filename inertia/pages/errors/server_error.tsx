import { Head } from '@inertiajs/react'
import { ArrowLeftIcon, RotateCwIcon } from 'lucide-react'
import { ErrorScreen } from '~/components/error_screen'
import { Button } from '~/components/ui/button'

export default function ServerError() {
  return (
    <>
      <Head title="Something went wrong" />
      <ErrorScreen
        code="500"
        title="Something went wrong"
        actions={
          <>
            <Button onClick={() => window.location.reload()}>
              <RotateCwIcon />
              Try again
            </Button>
            <Button asChild variant="ghost">
              <a href="/">
                <ArrowLeftIcon />
                Home
              </a>
            </Button>
          </>
        }
      >
        <p>An error on our side stopped this page. It has been logged; please try again.</p>
      </ErrorScreen>
    </>
  )
}
