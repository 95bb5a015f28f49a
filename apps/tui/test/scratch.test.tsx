import { it } from "vitest"
import { keys, renderApp } from "./render-app.js"
it("scratch", async () => {
  const app = renderApp({ route: { screen: "evaluate", agentId: "support_bot" } })
  await app.waitFor("golden")
  await app.press(keys.right)
  await new Promise((r) => setTimeout(r, 100))
  console.log(app.frame())
  await app.press(keys.down, keys.right)
  await new Promise((r) => setTimeout(r, 100))
  console.log(app.frame())
  await app.cleanup()
})
