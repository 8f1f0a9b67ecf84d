export default function ServerError() {
  return <h1>Something went wrong</h1>
}
