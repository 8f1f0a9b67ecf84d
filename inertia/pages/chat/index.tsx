import type { InertiaProps } from '~/types'

export default function ChatIndex(props: InertiaProps) {
  return <main>Signed in as {props.user?.displayName}</main>
}
