/** The CLI's exit codes (docs/CLI.md, `stateset --help`). */
export const EXIT = {
  ok: 0,
  /** the command ran and the answer is "no": verification failed, the operation failed or was cancelled, the API refused */
  failure: 1,
  /** bad arguments, unknown command or option; nothing was done */
  usage: 2,
  /** PostgreSQL, Kafka, the registry or the gateway could not be reached */
  unavailable: 3,
  /** `operations wait`: the operation was still not done when --timeout ran out */
  timeout: 4,
} as const;

export const EXIT_CODES_HELP = `Exit codes:
  0  success
  1  failure: verification failed, the operation failed or was cancelled, the API or database refused
  2  usage: a bad argument, unknown command or option (nothing was done)
  3  unavailable: PostgreSQL, Kafka, the schema registry or the gateway could not be reached
  4  timeout: \`operations wait\` gave up before the operation was done`;
