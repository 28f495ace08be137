package dev.sessionstarter.daemon.client;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.util.Assert;

import dev.sessionstarter.daemon.protocol.Opcodes;
import dev.sessionstarter.daemon.protocol.WireOutput;
import dev.sessionstarter.lock.ReleaseOnceLock;
import dev.sessionstarter.lock.SessionLock;
import dev.sessionstarter.lock.SessionLockManager;

/**
 * A {@link SessionLockManager} whose locks are held by a {@code session-daemon} process (one
 * started with {@code --lock}, or the one that keeps the sessions), so they exclude the
 * requests of every process that shares it.
 *
 * <p>The daemon's lock owner is a connection: each held lock keeps one connection of the
 * client to itself until it is released. The daemon releases a lock when its owner unlocks it,
 * when the connection closes (the process died, or the connection failed), or when its lease
 * runs out, so a worker that hangs or is killed never blocks a session for longer than the
 * lease. A request that runs longer than the lease loses its exclusivity.
 *
 * <p>A lock is first asked for without waiting, within the client timeout, so a daemon that is
 * frozen or gone fails the request within one client timeout whatever the lock timeout; only a
 * lock held by another request is then waited for, in the daemon (a second call, whose deadline
 * is the rest of the lock timeout plus the client timeout). {@link #tryLock} throws
 * {@link DaemonUnavailableException} when the daemon does not answer in time.
 */
public final class DaemonSessionLockManager implements SessionLockManager {

	private static final Log logger = LogFactory.getLog(DaemonSessionLockManager.class);

	/**
	 * The longest wait for a lock, some 73 years: a longer timeout means no limit, and the
	 * deadline of the call (the wait plus the client timeout) must not overflow.
	 */
	private static final long MAX_WAIT_NANOS = Long.MAX_VALUE / 4;

	private final DaemonClient client;

	private final Duration lease;

	private final AtomicInteger held = new AtomicInteger();

	/**
	 * Create a lock manager.
	 * @param client the client of the daemon; give it enough connections for the locks held
	 * at once, since each holds one
	 * @param lease how long the daemon keeps a lock whose owner neither releases it nor
	 * disconnects; {@link Duration#ZERO} for the daemon's default
	 */
	public DaemonSessionLockManager(DaemonClient client, Duration lease) {
		Assert.notNull(client, "'client' must not be null");
		Assert.isTrue(lease != null && !lease.isNegative(), "'lease' must not be negative");
		this.client = client;
		this.lease = lease;
	}

	@Override
	public String type() {
		return "daemon";
	}

	/**
	 * Return the client this manager calls the daemon through.
	 * @return the client
	 */
	public DaemonClient getClient() {
		return this.client;
	}

	@Override
	public @Nullable SessionLock tryLock(String sessionId, Duration timeout) throws InterruptedException {
		Assert.notNull(sessionId, "'sessionId' must not be null");
		Assert.isTrue(timeout != null && !timeout.isNegative(), "'timeout' must not be negative");
		long waitNanos = Math.min(SessionLockManager.timeoutNanos(timeout), MAX_WAIT_NANOS);
		long callNanos = this.client.getTimeout().toNanos();
		long start = System.nanoTime();
		DaemonClient.Answer<Long> answer = lock(sessionId, 0, start + callNanos, start + callNanos);
		if (answer.value() == null && waitNanos > 0) {
			this.client.release(answer.connection(), true);
			long waitLeft = Math.max(0, waitNanos - (System.nanoTime() - start));
			long now = System.nanoTime();
			answer = lock(sessionId, waitLeft, now + waitLeft, now + waitLeft + callNanos);
		}
		Long token = answer.value();
		DaemonConnection connection = answer.connection();
		if (token == null) {
			this.client.release(connection, true);
			return null;
		}
		this.held.incrementAndGet();
		return new ReleaseOnceLock(sessionId, () -> unlock(sessionId, token, connection));
	}

	/**
	 * Send one {@code LOCK} and read its answer: the token, or {@code null} if the lock was not
	 * free within the wait.
	 */
	private DaemonClient.Answer<Long> lock(String sessionId, long waitNanos, long waitDeadline, long deadline)
			throws InterruptedException {
		WireOutput request = WireOutput.frame(Opcodes.LOCK)
			.writeString(sessionId)
			.writeLong(TimeUnit.NANOSECONDS.toMillis(waitNanos))
			.writeLong(this.lease.toMillis());
		return this.client.exchange(request, waitDeadline, deadline, (status, payload) -> {
			if (status == Opcodes.TIMEOUT) {
				return null;
			}
			DaemonClient.expect(Opcodes.OK, status, payload, Opcodes.LOCK);
			return payload.readLong();
		});
	}

	@Override
	public int heldLocks() {
		return this.held.get();
	}

	/**
	 * Release a lock held in the daemon through a connection. If the daemon cannot be told, the
	 * connection is closed instead, which releases the lock in the daemon all the same.
	 */
	private void unlock(String sessionId, long token, DaemonConnection connection) {
		this.held.decrementAndGet();
		boolean healthy = false;
		try {
			connection.exchange(WireOutput.frame(Opcodes.UNLOCK).writeString(sessionId).writeLong(token),
					System.nanoTime() + this.client.getTimeout().toNanos(), (status, payload) -> {
						if (status == Opcodes.NOT_FOUND) {
							logger.warn("The lock on session " + sessionId
									+ " had already been released by the daemon: its lease ran out");
							return null;
						}
						DaemonClient.expect(Opcodes.OK, status, payload, Opcodes.UNLOCK);
						return null;
					});
			healthy = true;
		}
		catch (IOException | RuntimeException ex) {
			logger.debug("Could not release the lock on session " + sessionId
					+ " in the daemon; closing its connection releases it", ex);
		}
		finally {
			this.client.release(connection, healthy);
		}
	}

}
