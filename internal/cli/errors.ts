// Errors the CLI reports to a person, with the exit code scripts can rely on.

/** Exit codes: 0 success, 1 the operation failed, 2 the command line was wrong. */
export const exit_ok = 0;
export const exit_failure = 1;
export const exit_usage = 2;

/** A bad flag or argument: the message names the value and says what is accepted. */
export class UsageError extends Error {
  readonly exitCode = exit_usage;
}
