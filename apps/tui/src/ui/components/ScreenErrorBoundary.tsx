/**
 * A bug in a screen must not end the session with a stack trace over the
 * user's terminal: the screen is replaced by its message, and Esc still goes
 * back (the keys live outside the screen).
 */
import { Component, type ReactNode } from "react"
import { ProblemView } from "./ProblemView.js"

export class ScreenErrorBoundary extends Component<{ readonly children: ReactNode }, { readonly error: Error | undefined }> {
  override state: { readonly error: Error | undefined } = { error: undefined }

  static getDerivedStateFromError(error: unknown) {
    return { error: error instanceof Error ? error : new Error(String(error)) }
  }

  override render() {
    if (this.state.error === undefined) return this.props.children
    return (
      <ProblemView
        failure={{ kind: "internal", title: "This screen failed", detail: this.state.error.message, status: undefined, tag: undefined }}
        hint="Esc back · q quit"
      />
    )
  }
}
