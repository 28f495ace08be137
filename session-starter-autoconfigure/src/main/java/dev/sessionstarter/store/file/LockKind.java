package dev.sessionstarter.store.file;

/**
 * The two locks of a {@link LockTable} slot, each on a byte of its own.
 */
enum LockKind {

	/** Held by a request for its whole duration ({@link FileSessionLockManager}). */
	REQUEST,

	/** Held by the store while it reads, merges and writes one session file. */
	RECORD

}
