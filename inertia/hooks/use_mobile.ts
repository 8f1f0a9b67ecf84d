import * as React from 'react'

const MOBILE_BREAKPOINT = 768
const QUERY = `(max-width: ${MOBILE_BREAKPOINT - 1}px)`

/*
| Pages render on the client only, so the first render can already know the
| viewport width (no flash of the desktop sidebar on a phone).
*/
export function useIsMobile() {
  const [isMobile, setIsMobile] = React.useState(() => window.matchMedia(QUERY).matches)

  React.useEffect(() => {
    const mql = window.matchMedia(QUERY)
    const onChange = () => setIsMobile(mql.matches)
    mql.addEventListener('change', onChange)
    onChange()
    return () => mql.removeEventListener('change', onChange)
  }, [])

  return isMobile
}
