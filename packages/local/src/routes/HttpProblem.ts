/**
 * The one error handlers throw. `app.onError` turns it into problem+json
 * with core's `makeProblem`, so no handler formats an error body itself.
 */
import { makeProblem, type FieldError, type ProblemDetails } from "@fruxkit/core"

export class HttpProblem extends Error {
  constructor(
    readonly problem: ProblemDetails,
    readonly headers: Readonly<Record<string, string>> = {}
  ) {
    super(problem.detail ?? problem.title ?? "problem")
    this.name = "HttpProblem"
  }

  static of(
    status: number,
    name: string,
    title: string,
    detail?: string,
    extensions?: Readonly<Record<string, unknown>>,
    headers?: Readonly<Record<string, string>>
  ): HttpProblem {
    return new HttpProblem(makeProblem(status, name, title, detail, extensions), headers)
  }

  static invalid(errors: ReadonlyArray<FieldError>, detail?: string): HttpProblem {
    return HttpProblem.of(
      400,
      "invalid-request",
      "Invalid request",
      detail ?? errors.map((e) => `${e.path}: ${e.message}`).join("; "),
      { errors }
    )
  }

  static notFound(what: string, detail: string): HttpProblem {
    return HttpProblem.of(404, "not-found", `${what} not found`, detail)
  }

  static conflict(name: string, title: string, detail: string): HttpProblem {
    return HttpProblem.of(409, name, title, detail)
  }
}
