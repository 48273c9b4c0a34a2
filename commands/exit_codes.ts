/**
 * Exit codes of the commands, declared once: an orchestrator or a script can tell a
 * configuration that cannot work (do not restart in a loop) from a failure worth a restart.
 */

/** Done, or stopped by a signal after draining. */
export const EXIT_OK = 0;
/** Failed: a crash, an escalation, an export that did not complete. Restarting may help. */
export const EXIT_FAILED = 1;
/** Bad arguments or configuration. */
export const EXIT_USAGE = 2;
/** `export`: no pipeline answers on the control port. */
export const EXIT_NO_PIPELINE = 3;
/** Kafka refused the login (SASL credentials) or its TLS certificate was not trusted. */
export const EXIT_KAFKA_LOGIN_REFUSED = 4;
/** The run's Deno permissions miss a host or path the configuration needs. */
export const EXIT_PERMISSIONS = 5;
/** `start`: another pipeline process holds the same DATA_DIR (its pid is in the log line). */
export const EXIT_DATA_DIR_IN_USE = 6;
/**
 * `start`: stopped at once by a second SIGINT or SIGTERM, before the drain finished. Safe: what
 * was not committed is read again at the next start.
 */
export const EXIT_INTERRUPTED = 130;
