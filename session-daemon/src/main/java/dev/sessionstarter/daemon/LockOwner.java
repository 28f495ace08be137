package dev.sessionstarter.daemon;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import org.jspecify.annotations.Nullable;

/**
 * The owner of locks in the {@link LockTable}: one connection, or a client that retains locks
 * between its requests ({@link Retainer}).
 */
final class LockOwner {

	private static final AtomicLong made = new AtomicLong();

	/**
	 * The order it was made in: a connection accepted later has a greater one.
	 */
	final long order = made.incrementAndGet();

	final Set<String> held = ConcurrentHashMap.newKeySet();

	/**
	 * The client whose retained locks these are, {@code null} for a connection.
	 */
	final @Nullable Retainer retainer;

	/**
	 * The client a connection said it belongs to ({@code CLIENT}), 0 if none.
	 */
	volatile long clientId;

	/**
	 * The protocol version a connection's client said it speaks ({@code HELLO}), 0 if it did not.
	 */
	volatile int clientVersion;

	/**
	 * The client whose notice connection this connection is ({@code WANTED} from a client of
	 * {@link Retainer#RELEASE_ON_CLOSE_VERSION} or later), {@code null} if none.
	 */
	volatile @Nullable Retainer noticesOf;

	private long latestLeaseEnd;

	LockOwner() {
		this(null);
	}

	LockOwner(@Nullable Retainer retainer) {
		this.retainer = retainer;
	}

	synchronized void leaseGranted(long leaseEnd) {
		if (this.held.size() == 1 || leaseEnd - this.latestLeaseEnd > 0) {
			this.latestLeaseEnd = leaseEnd;
		}
	}

	/**
	 * Return how long the latest lease among the locks this owner holds still runs.
	 * @return the nanoseconds, {@code 0} if it holds no lock or every lease has run out
	 */
	synchronized long remainingLeaseNanos() {
		if (this.held.isEmpty()) {
			return 0;
		}
		return Math.max(0, this.latestLeaseEnd - System.nanoTime());
	}

}
