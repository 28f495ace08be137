package dev.sessionstarter.store.memoized;

/**
 * How a {@link MemoizedSessionStore} keeps its cached copies true to its delegate.
 */
public enum Coherence {

	/**
	 * The cache holds the delegate's lock on every id it caches, until the session expires, is
	 * evicted from the cache or deleted, and serves cached copies without asking the delegate.
	 * The fastest mode, but only right when every request of a session reaches the same
	 * process (sticky sessions): another process's cache can neither lock nor cache such a
	 * session, and changes that process writes to the delegate directly are not seen by the
	 * holder's cache.
	 */
	EXCLUSIVE,

	/**
	 * Before a cached copy is used, the delegate's version of the session is checked (see
	 * {@link dev.sessionstarter.store.SessionStore#version(String)}) and the copy is reloaded
	 * when it is not current. Safe with several processes and no stickiness; needs a delegate
	 * that can answer the check.
	 */
	VALIDATE

}
