/**
 * Secrets written into an agent's configuration — a revision's `flow`, a
 * draft's `headData`, an evaluation run's inline candidate — are sealed at
 * rest and never shown (issue 22). Which values are secrets is core's one
 * rule (`Secrets`): the value of every secret key (`api_key`, `Password`,
 * `refresh_token`, …, at any depth: an external step's parameters, an http
 * step's body) and every string holding URL credentials (userinfo, a token
 * in the query).
 *
 * Each such value is stored as a marker `{"$sealed": "<SecretBox text>",
 * "shown": <what may be shown>}`: the shown form is `[REDACTED]` for a
 * secret key's value, the redacted URL text for a string with credentials.
 * Three views of a stored configuration:
 * - `open`: the values as written, for running it (never for an answer);
 * - `shown`: the shown forms, for every answer;
 * - the stored JSON itself, copied as it is (a revision made from a draft,
 *   a run pinning a draft head).
 *
 * Round trip: a client that sends back what it was shown (`draft pull` →
 * edit → `draft push`) keeps the stored secret: a value equal to the shown
 * form of the marker at the same place in the configuration it replaces is
 * that marker. Places are paths where a step with an `id` is named by it (so
 * reordering steps keeps each step's secrets). `[REDACTED]` where nothing is
 * stored is refused (it would become the secret), as is a `$sealed` object
 * written by a client.
 *
 * A parameter list (`parametersMetadata`: a revision's, a draft head's, an
 * inline candidate's) follows the same rule: a parameter marked `secret:
 * true`, or whose `name` is a secret key, has its `defaultValue` sealed and
 * shown as `[REDACTED]`. Its entries are placed by `name`, so a default sent
 * back as shown keeps the secret stored for the parameter of that name
 * whatever the order. Its other fields (`name`, the `secret` flag, …) are
 * what describes the parameter and are kept as written.
 */
import { Secrets, type FieldError } from "@fruxkit/core"
import * as Either from "effect/Either"
import type { SecretBox } from "./SecretBox.js"

interface Marker {
  readonly $sealed: string
  readonly shown: unknown
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === "object" && value !== null && !Array.isArray(value)

const isMarker = (value: unknown): value is Marker =>
  isObject(value) && typeof value.$sealed === "string" && "shown" in value && Object.keys(value).length === 2

/** The key that holds a parameter list wherever it appears. */
const PARAMETERS_KEY = "parametersMetadata"

/**
 * An array item's place: a parameter (an item of a `parametersMetadata`
 * array) by its `name`, a step by its `id`, anything else by its index.
 */
const itemPlace = (arrayKey: string | undefined, item: unknown, index: number): string => {
  if (!isObject(item)) return `${index}`
  if (arrayKey === PARAMETERS_KEY && typeof item.name === "string") return `@${item.name}`
  return typeof item.id === "string" ? `#${item.id}` : `${index}`
}

/** Whether a parameter's `defaultValue` is a secret: marked so, or named like one. */
const isSecretParameter = (parameter: Record<string, unknown>): boolean =>
  parameter.secret === true || (typeof parameter.name === "string" && Secrets.isSecretKey(parameter.name))

/** Every marker of a stored configuration by its place. */
const markersByPlace = (stored: unknown): Map<string, Marker> => {
  const found = new Map<string, Marker>()
  const walk = (node: unknown, place: string, key: string | undefined) => {
    if (isMarker(node)) found.set(place, node)
    else if (Array.isArray(node)) node.forEach((item, i) => walk(item, `${place}/${itemPlace(key, item, i)}`, undefined))
    else if (isObject(node)) for (const [itemKey, item] of Object.entries(node)) walk(item, `${place}/${itemKey}`, itemKey)
  }
  walk(stored, "", undefined)
  return found
}

const isSecretValue = (value: unknown): boolean => value !== null && value !== undefined && value !== ""

/**
 * The configuration as it is stored: every secret sealed. `previous`: the
 * stored configuration this one replaces (its markers are kept where the
 * client sent their shown form back). `prefix` names fields in errors.
 */
export const seal = (
  box: SecretBox,
  value: unknown,
  previous: unknown,
  prefix: string
): Either.Either<unknown, ReadonlyArray<FieldError>> => {
  const kept = markersByPlace(previous)
  const errors: Array<FieldError> = []
  const sealed = (plain: unknown, shown: unknown): Marker => ({ $sealed: box.seal(JSON.stringify(plain)), shown })
  /** A parameter: its default sealed when the parameter is a secret; what describes it kept (it is read to decode the list). */
  const walkParameter = (parameter: Record<string, unknown>, place: string, path: string): unknown => {
    if ("$sealed" in parameter) {
      errors.push({ path: `${path}.$sealed`, message: "is reserved for secrets the backend sealed" })
      return parameter
    }
    const out: Record<string, unknown> = {}
    for (const [key, item] of Object.entries(parameter)) {
      out[key] =
        key === "defaultValue"
          ? walk(item, isSecretParameter(parameter), `${place}/${key}`, `${path}.${key}`)
          : typeof item === "object" && item !== null
            ? walk(item, Secrets.isSecretKey(key), `${place}/${key}`, `${path}.${key}`)
            : item
    }
    return out
  }
  const walk = (node: unknown, secretKey: boolean, place: string, path: string, key?: string): unknown => {
    const before = kept.get(place)
    if (before !== undefined && JSON.stringify(node) === JSON.stringify(before.shown)) return before
    if (secretKey && isSecretValue(node)) {
      if (node === Secrets.REDACTED) {
        errors.push({ path, message: `is the redaction placeholder ${Secrets.REDACTED} but no secret is stored at this place: send the secret itself` })
        return node
      }
      return sealed(node, Secrets.REDACTED)
    }
    if (typeof node === "string") {
      const shown = Secrets.redactText(node)
      return shown === node ? node : sealed(node, shown)
    }
    if (Array.isArray(node)) {
      return node.map((item, i) => {
        const itemAt = `${place}/${itemPlace(key, item, i)}`
        return key === PARAMETERS_KEY && isObject(item) ? walkParameter(item, itemAt, `${path}[${i}]`) : walk(item, false, itemAt, `${path}[${i}]`)
      })
    }
    if (isObject(node)) {
      if ("$sealed" in node) {
        errors.push({ path: `${path}.$sealed`, message: "is reserved for secrets the backend sealed" })
        return node
      }
      const out: Record<string, unknown> = {}
      for (const [itemKey, item] of Object.entries(node)) {
        out[itemKey] = walk(item, Secrets.isSecretKey(itemKey), `${place}/${itemKey}`, `${path}.${itemKey}`, itemKey)
      }
      return out
    }
    return node
  }
  const result = walk(value, false, "", prefix)
  return errors.length > 0 ? Either.left(errors) : Either.right(result)
}

const mapMarkers = (value: unknown, replace: (marker: Marker) => unknown): unknown => {
  if (isMarker(value)) return replace(value)
  if (Array.isArray(value)) return value.map((item) => mapMarkers(item, replace))
  if (isObject(value)) return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, mapMarkers(item, replace)]))
  return value
}

/** The configuration as written, for running it. Throws when a secret cannot be opened with this key. */
export const open = <A>(box: SecretBox, stored: A): A => mapMarkers(stored, (marker) => JSON.parse(box.open(marker.$sealed))) as A

/** The configuration as every answer shows it. */
export const shown = <A>(stored: A): A => mapMarkers(stored, (marker) => marker.shown) as A
