package dev.sessionstarter.store;

/**
 * Why a store removed a session by itself.
 */
public enum RemovalCause {

	/**
	 * The session's inactivity timeout had passed (found by the purge or on access).
	 */
	EXPIRED,

	/**
	 * The store was over its size bound and the session was among the least recently used.
	 */
	EVICTED

}
