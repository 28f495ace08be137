package dev.sessionstarter.store.file;

import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;

import org.jspecify.annotations.Nullable;

/**
 * A held lock of a {@link LockTable}, or several held together; released once, on any thread.
 */
class HeldLock implements AutoCloseable {

	private static final AtomicIntegerFieldUpdater<HeldLock> RELEASED = AtomicIntegerFieldUpdater
		.newUpdater(HeldLock.class, "released");

	private final @Nullable Runnable release;

	private volatile int released;

	/**
	 * Create a held lock that runs an action when it is released.
	 * @param release the action
	 */
	HeldLock(Runnable release) {
		this.release = release;
	}

	/**
	 * Create a held lock whose subclass says what its release does.
	 */
	protected HeldLock() {
		this.release = null;
	}

	@Override
	public final void close() {
		if (RELEASED.compareAndSet(this, 0, 1)) {
			release();
		}
	}

	/**
	 * Whether it has been released, on any thread.
	 * @return {@code true} once {@link #close()} was called
	 */
	final boolean isReleased() {
		return this.released != 0;
	}

	/**
	 * Release what is held; called once.
	 */
	protected void release() {
		if (this.release != null) {
			this.release.run();
		}
	}

}
