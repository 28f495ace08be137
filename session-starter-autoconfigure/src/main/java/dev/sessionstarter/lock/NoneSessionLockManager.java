package dev.sessionstarter.lock;

import java.time.Duration;

import org.springframework.util.Assert;

/**
 * A {@link SessionLockManager} that locks nothing: every request gets its lock at once, and
 * parallel requests of one session may overwrite each other's changes, as with plain Spring
 * Session.
 */
public enum NoneSessionLockManager implements SessionLockManager {

	/**
	 * The only instance.
	 */
	INSTANCE;

	@Override
	public String type() {
		return "none";
	}

	@Override
	public boolean isNonBlocking() {
		return true;
	}

	@Override
	public SessionLock tryLock(String sessionId, Duration timeout) {
		Assert.notNull(sessionId, "'sessionId' must not be null");
		return new NoLock(sessionId);
	}

	@Override
	public int heldLocks() {
		return 0;
	}

	private record NoLock(String sessionId) implements SessionLock {

		@Override
		public void release() {
		}

	}

}
