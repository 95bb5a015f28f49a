/**
 * The one error handlers throw. Its problem comes from core's error map
 * (`ErrorProblem.problem`): a handler names the error class a client will
 * read it as (NotFound, Conflict, …) and, at most, a narrower `type` and
 * title; status and base type are core's. `app.onError` writes it as
 * problem+json, so no handler formats an error body itself.
 */
import { ErrorProblem, type FieldError, type ProblemDetails } from "@fruxkit/core"

type ProblemOptions = Parameters<typeof ErrorProblem.problem>[1]

export class HttpProblem extends Error {
  constructor(
    readonly problem: ProblemDetails,
    readonly headers: Readonly<Record<string, string>> = {}
  ) {
    super(problem.detail ?? problem.title ?? "problem")
    this.name = "HttpProblem"
  }

  static of(tag: ErrorProblem.Tag, options: ProblemOptions, headers?: Readonly<Record<string, string>>): HttpProblem {
    return new HttpProblem(ErrorProblem.problem(tag, options), headers)
  }

  static invalid(errors: ReadonlyArray<FieldError>, detail?: string): HttpProblem {
    return HttpProblem.of("InvalidRequest", {
      detail: detail ?? errors.map((e) => `${e.path}: ${e.message}`).join("; "),
      extensions: { errors }
    })
  }

  static notFound(what: string, detail: string): HttpProblem {
    return HttpProblem.of("NotFound", { title: `${what} not found`, detail })
  }

  static conflict(type: string, title: string, detail: string): HttpProblem {
    return HttpProblem.of("Conflict", { type, title, detail })
  }
}
