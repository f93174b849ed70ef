// Process exit codes, so scripts can tell a bad invocation from a failed operation.
export const EXIT_OK = 0
/** The operation failed (duplicate user, unknown domain, data dir not writable, ...). */
export const EXIT_FAILURE = 1
/** Bad usage or invalid configuration: nothing was attempted. */
export const EXIT_USAGE = 2
