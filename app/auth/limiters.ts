import limiter from '@adonisjs/limiter/services/main'

/*
| Sign-in attempts per client address: each of /sign-in and its callback
| allows SIGN_IN_ATTEMPTS_PER_MINUTE requests a minute per IP, counted in
| limiter.sqlite. Behind the loopback proxy the address is the one Nginx
| forwards (config/app.ts trustProxy).
*/
export const SIGN_IN_ATTEMPTS_PER_MINUTE = 10

export const signInThrottle = limiter.define('auth_sign_in', (ctx) =>
  limiter
    .allowRequests(SIGN_IN_ATTEMPTS_PER_MINUTE)
    .every('1 minute')
    .store('database')
    .usingKey(`${ctx.route?.name ?? ctx.request.url()}_ip_${ctx.request.ip()}`)
    .limitExceeded((error) => {
      error.setMessage(
        'Too many sign-in attempts from your network. Please wait a minute and try again.'
      )
    })
)
