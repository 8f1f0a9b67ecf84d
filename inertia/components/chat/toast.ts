/*
| The only place that imports sonner: see style_nonce.ts for why the import order matters
| (module requests are evaluated in the order they appear).
*/
import { endStyleNonce } from './style_nonce'
import { toast, Toaster } from 'sonner'

endStyleNonce()

export { toast, Toaster }
