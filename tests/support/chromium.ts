/*
| How tests and benchmarks launch Debian's Chromium through Playwright: no
| browser is downloaded; the flags keep a headless run quiet on this machine
| (no sandbox inside the container, no GPU, no background network or updates).
*/
export const chromiumLaunchOptions = {
  headless: true,
  executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
  args: [
    '--no-sandbox',
    '--disable-gpu',
    '--disable-quic',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
  ],
}
