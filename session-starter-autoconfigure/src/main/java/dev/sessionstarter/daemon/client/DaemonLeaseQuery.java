package dev.sessionstarter.daemon.client;

import java.io.IOException;
import java.util.concurrent.TimeUnit;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import dev.sessionstarter.daemon.protocol.Opcodes;

/**
 * Asks the daemon for its default lock lease ({@code HELLO}, protocol version 8) for
 * {@link DaemonLockRenewals}, when locks are taken with it: once it answers, unless an answer on
 * another connection (the notice connection's, most often) named the lease first; again once a
 * connection of the client broke since (the daemon may have been replaced by one with another
 * lease, which nothing else asks without retained locks but a read-only request); and again
 * {@link #ASK_AGAIN_NANOS} later if the daemon could not be reached (not counted in the client's
 * errors). A daemon older than version 8 names none: its locks are renewed as before. Not
 * thread-safe: the renewal timer's thread uses it.
 */
final class DaemonLeaseQuery {

	private static final Log logger = LogFactory.getLog(DaemonSessionLockManager.class);

	/**
	 * How long after a failed attempt the lease is asked for again (the attempt connects anew).
	 */
	static final long ASK_AGAIN_NANOS = TimeUnit.SECONDS.toNanos(5);

	private final DaemonClient client;

	/**
	 * How many connections of the client had broken when the lease was last known current
	 * ({@link DaemonCalls#brokenConnectionCount}), -1 before.
	 */
	private long knownAtBroken = -1;

	private long askAt = System.nanoTime();

	DaemonLeaseQuery(DaemonClient client) {
		this.client = client;
	}

	/**
	 * Ask, if no answer came yet and no connection named the lease, or a connection broke since,
	 * and the last attempt is old enough.
	 */
	void askIfDue() {
		long broken = this.client.calls().brokenConnectionCount();
		if (broken == this.knownAtBroken || System.nanoTime() - this.askAt < 0) {
			return;
		}
		if (this.knownAtBroken < 0 && this.client.daemonLeaseMillis() != 0) {
			// another connection named it first
			this.knownAtBroken = broken;
			return;
		}
		// if this attempt fails
		this.askAt = System.nanoTime() + ASK_AGAIN_NANOS;
		long deadline = System.nanoTime() + this.client.getTimeout().toNanos();
		DaemonConnection connection;
		try {
			connection = this.client.calls().borrowNew(deadline, deadline, Opcodes.HELLO, false);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return;
		}
		catch (RuntimeException ex) {
			return;
		}
		boolean healthy = false;
		try {
			connection.protocolVersion(deadline);
			healthy = true;
			this.knownAtBroken = broken;
			this.askAt = System.nanoTime();
		}
		catch (IOException | RuntimeException ex) {
			logger.debug("Could not ask the session daemon for its lock lease", ex);
		}
		finally {
			this.client.calls().release(connection, healthy);
		}
	}

}
