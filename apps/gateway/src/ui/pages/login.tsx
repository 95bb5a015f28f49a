/** @jsxImportSource hono/jsx */
import { Layout } from "../layout.js"

export const LoginPage = (props: { readonly message?: string | undefined; readonly next: string }) => (
  <Layout title="Sign in">
    <h1>Sign in to the viewer</h1>
    <p class="muted">This gateway asks for an API key. It is kept in an HttpOnly cookie for this site only.</p>
    {props.message ? <p class="error" data-login-error>{props.message}</p> : null}
    <form method="post" action="/ui/login" class="inline">
      <input type="hidden" name="next" value={props.next} />
      <label>
        API key <input type="password" name="key" required autocomplete="current-password" autofocus />
      </label>
      <button type="submit">Sign in</button>
    </form>
  </Layout>
)
