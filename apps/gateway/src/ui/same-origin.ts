/**
 * Whether a browser's state-changing request came from the viewer's own
 * pages (CSRF): its `Origin` must be the gateway's own origin; a browser that
 * sends no `Origin` is judged by its `Referer`; with neither the request is
 * refused. Browsers send Origin on every POST; under `Referrer-Policy:
 * no-referrer` it is "null", so the viewer's pages use `same-origin`.
 */
export const isSameOrigin = (requestUrl: string, origin: string | undefined, referer: string | undefined): boolean => {
  const own = new URL(requestUrl).origin
  if (origin !== undefined && origin !== "") return origin === own
  if (referer === undefined || referer === "") return false
  try {
    return new URL(referer).origin === own
  } catch {
    return false
  }
}
