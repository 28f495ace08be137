package dev.sessionstarter.lock;

/**
 * What {@link SessionLockFilter} does with a request whose session lock could not be had in time.
 */
public enum LockTimeoutAction {

	/**
	 * Handle the request without the lock; its changes may overwrite those of a parallel
	 * request of the same session.
	 */
	PROCEED,

	/**
	 * Answer {@code 503 Service Unavailable} with a {@code Retry-After} header, without handling
	 * the request.
	 */
	REJECT

}
