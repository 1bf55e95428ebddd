/** One variable that could not be used, with a sentence saying what was expected. */
export interface ConfigIssue {
  /** Name of the environment variable, e.g. "PORT". */
  readonly variable: string;
  /** Completes "<variable> ...", e.g. 'must be an integer between 1 and 65535 (got "abc")'. */
  readonly message: string;
}

/** The single line printed to stderr for one bad variable. */
export function formatConfigIssue(issue: ConfigIssue): string {
  return `flotilla: invalid configuration: ${issue.variable} ${issue.message}`;
}
