export default function Landing() {
  return (
    <main>
      <h1>Chat with every model, keep your history.</h1>
      <a href="/sign-in">Sign in</a>
    </main>
  )
}
