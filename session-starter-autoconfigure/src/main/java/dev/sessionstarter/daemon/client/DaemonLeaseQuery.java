package dev.sessionstarter.daemon.client;

import java.io.IOException;
import java.util.concurrent.TimeUnit;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import dev.sessionstarter.daemon.protocol.Opcodes;

/**
 * Asks the daemon for its default lock lease ({@code HELLO}, protocol version 8) for
 * {@link DaemonLockRenewals}, when locks are taken with it: once it answers, unless an answer on
 * another connection (the notice connection's, most often) named the lease first, and again
 * {@link #ASK_AGAIN_NANOS} later if the daemon could not be reached (not counted in the client's
 * errors). A daemon older than version 8 names none: its locks are renewed as before. Not
 * thread-safe: the renewal timer's thread uses it.
 */
final class DaemonLeaseQuery {

	private static final Log logger = LogFactory.getLog(DaemonSessionLockManager.class);

	/**
	 * How long after a failed attempt the lease is asked for again.
	 */
	static final long ASK_AGAIN_NANOS = TimeUnit.SECONDS.toNanos(30);

	private final DaemonClient client;

	private boolean answered;

	private long askAt = System.nanoTime();

	DaemonLeaseQuery(DaemonClient client) {
		this.client = client;
	}

	/**
	 * Ask, if no answer came yet, no connection named the lease and the last attempt is old enough.
	 */
	void askIfDue() {
		if (this.answered || System.nanoTime() - this.askAt < 0 || this.client.daemonLeaseMillis() != 0) {
			return;
		}
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
			this.answered = true;
		}
		catch (IOException | RuntimeException ex) {
			logger.debug("Could not ask the session daemon for its lock lease", ex);
		}
		finally {
			this.client.calls().release(connection, healthy);
		}
	}

}
