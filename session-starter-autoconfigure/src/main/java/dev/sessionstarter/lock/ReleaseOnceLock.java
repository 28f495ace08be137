package dev.sessionstarter.lock;

import java.util.concurrent.atomic.AtomicBoolean;

import org.springframework.util.Assert;

/**
 * A {@link SessionLock} whose release is an action run once, on whichever thread releases it
 * first: what every lock manager's locks have in common.
 */
public final class ReleaseOnceLock implements SessionLock {

	private final String sessionId;

	private final Runnable release;

	private final AtomicBoolean released = new AtomicBoolean();

	/**
	 * Create a held lock.
	 * @param sessionId the session id it is on
	 * @param release what releasing it does; run at most once
	 */
	public ReleaseOnceLock(String sessionId, Runnable release) {
		Assert.notNull(sessionId, "'sessionId' must not be null");
		Assert.notNull(release, "'release' must not be null");
		this.sessionId = sessionId;
		this.release = release;
	}

	@Override
	public String sessionId() {
		return this.sessionId;
	}

	@Override
	public void release() {
		if (this.released.compareAndSet(false, true)) {
			this.release.run();
		}
	}

}
