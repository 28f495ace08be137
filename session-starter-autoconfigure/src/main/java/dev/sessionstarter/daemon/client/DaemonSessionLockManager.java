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
import dev.sessionstarter.daemon.protocol.WireCodec;
import dev.sessionstarter.daemon.protocol.ProtocolException;
import dev.sessionstarter.daemon.protocol.WireInput;
import dev.sessionstarter.daemon.protocol.WireOutput;
import dev.sessionstarter.lock.MemorySessionLockManager;
import dev.sessionstarter.lock.ReleaseOnceLock;
import dev.sessionstarter.lock.SessionLock;
import dev.sessionstarter.lock.SessionLockManager;
import dev.sessionstarter.store.SessionRecord;

/**
 * A {@link SessionLockManager} whose locks are held by a {@code session-daemon} process (one
 * started with {@code --lock}, or the one that keeps the sessions), so they exclude the
 * requests of every process that shares it.
 *
 * <p>The requests of this process queue for a session in a {@link MemorySessionLockManager}
 * first, so only one of them at a time asks the daemon. The daemon's lock owner is a
 * connection, and one connection holds any number of locks: a free lock is taken, and released,
 * over whichever pooled connection of the client is free ({@link SharedLockConnections}), which
 * goes on serving other calls while it holds the lock, so held locks do not cost a connection
 * each and no request waits for another's call. The daemon releases a lock when it is
 * unlocked, when the connection that holds it closes (the process died, or the connection
 * failed), or when its lease runs out, so a worker that hangs or is killed never blocks a session for longer than the lease. A request
 * that runs longer than the lease loses its exclusivity.
 *
 * <p>A lock is first asked for without waiting, within the client timeout, so a daemon that is
 * frozen or gone fails the request within one client timeout whatever the lock timeout. Only a
 * lock another process holds is then waited for, in the daemon, on a pooled connection of its
 * own that keeps the lock until it is released (a second call, whose deadline is the rest of the
 * lock timeout plus the client timeout); while it waits the daemon is pinged ({@link DaemonLiveness}),
 * and the wait fails about one client timeout after the daemon stops answering. {@link #tryLock} throws
 * {@link DaemonUnavailableException} when the daemon does not answer in time.
 */
public final class DaemonSessionLockManager implements SessionLockManager, AutoCloseable {

	private static final Log logger = LogFactory.getLog(DaemonSessionLockManager.class);

	/**
	 * The longest wait for a lock, some 73 years: a longer timeout means no limit, and the
	 * deadline of the call (the wait plus the client timeout) must not overflow.
	 */
	private static final long MAX_WAIT_NANOS = Long.MAX_VALUE / 4;

	private static final DaemonClient.ResponseHandler<@Nullable Long> LOCK_ANSWER = DaemonSessionLockManager::token;

	private static final DaemonClient.ResponseHandler<SharedLockConnections.@Nullable Locked> SHARED_LOCK_ANSWER = (
			status, payload) -> {
		Long token = token(status, payload);
		return (token != null) ? new SharedLockConnections.Locked(token, null) : null;
	};

	private final DaemonClient client;

	private final Duration lease;

	private final MemorySessionLockManager local = new MemorySessionLockManager();

	private final SharedLockConnections shared;

	private final AtomicInteger held = new AtomicInteger();

	private volatile @Nullable DaemonHeldLocks heldLocks;

	private volatile boolean lockFind = true;

	private volatile boolean lockFindSince = true;

	/**
	 * Create a lock manager.
	 * @param client the client of the daemon; besides the few shared connections, a lock that
	 * must be waited for keeps one of its connections while it waits and while it is held
	 * @param lease how long the daemon keeps a lock whose owner neither releases it nor
	 * disconnects; {@link Duration#ZERO} for the daemon's default
	 */
	public DaemonSessionLockManager(DaemonClient client, Duration lease) {
		Assert.notNull(client, "'client' must not be null");
		Assert.isTrue(lease != null && !lease.isNegative(), "'lease' must not be negative");
		this.client = client;
		this.lease = lease;
		this.shared = new SharedLockConnections(client);
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

	/**
	 * Share the locks this manager holds with the {@link DaemonSessionStore} of the same daemon:
	 * a free lock is then taken with the session it guards ({@code LOCK_FIND}), which the store
	 * serves instead of reading it again, and the store's save releases it ({@code SAVE_UNLOCK}),
	 * so a request costs two calls. A daemon older than protocol version 3 gets the four calls
	 * of {@code LOCK}, {@code GET}, {@code SAVE} and {@code UNLOCK}.
	 * @param heldLocks the locks, shared with the store
	 */
	public void setHeldLocks(DaemonHeldLocks heldLocks) {
		Assert.notNull(heldLocks, "'heldLocks' must not be null");
		heldLocks.useCopies();
		this.heldLocks = heldLocks;
	}

	@Override
	public @Nullable SessionLock tryLock(String sessionId, Duration timeout) throws InterruptedException {
		Assert.notNull(sessionId, "'sessionId' must not be null");
		Assert.isTrue(timeout != null && !timeout.isNegative(), "'timeout' must not be negative");
		long waitNanos = Math.min(SessionLockManager.timeoutNanos(timeout), MAX_WAIT_NANOS);
		long start = System.nanoTime();
		SessionLock local = this.local.tryLock(sessionId, Duration.ofNanos(waitNanos));
		if (local == null) {
			return null;
		}
		Runnable unlock = null;
		try {
			unlock = lockInDaemon(sessionId, Math.max(0, waitNanos - (System.nanoTime() - start)));
		}
		finally {
			if (unlock == null) {
				local.release();
			}
		}
		if (unlock == null) {
			return null;
		}
		this.held.incrementAndGet();
		Runnable release = unlock;
		return new ReleaseOnceLock(sessionId, () -> {
			this.held.decrementAndGet();
			try {
				release.run();
			}
			finally {
				local.release();
			}
		});
	}

	/**
	 * Take the lock in the daemon: free, over a shared connection; held by another process,
	 * by waiting on a connection of its own.
	 * @return how to release it, or {@code null} if it was not free within the wait
	 */
	private @Nullable Runnable lockInDaemon(String sessionId, long waitNanos) throws InterruptedException {
		long callNanos = this.client.getTimeout().toNanos();
		SharedLockConnections.Held free = lockFree(sessionId, System.nanoTime() + callNanos);
		SharedLockConnections.Locked locked = free.locked();
		if (locked != null) {
			DaemonHeldLocks heldLocks = this.heldLocks;
			if (heldLocks == null || locked.prefetched() == null) {
				return () -> unlockShared(sessionId, locked.token(), free);
			}
			DaemonHeldLocks.Held shared = new DaemonHeldLocks.Held(sessionId, locked.token(), locked.prefetched());
			heldLocks.add(shared);
			return () -> {
				heldLocks.remove(shared);
				if (shared.isReleasedBySave()) {
					this.shared.forget(free);
				}
				else {
					unlockShared(sessionId, locked.token(), free);
				}
			};
		}
		if (waitNanos <= 0) {
			return null;
		}
		long now = System.nanoTime();
		DaemonConnection connection = this.client.borrow(now + waitNanos, now + waitNanos + callNanos, Opcodes.LOCK);
		Long token = waitInDaemon(connection, sessionId, waitNanos, now + waitNanos + callNanos);
		if (token == null) {
			this.client.release(connection, true);
			return null;
		}
		return () -> unlockOwn(sessionId, token, connection);
	}

	/**
	 * Wait in the daemon for a lock another process holds, on a connection of its own, ending
	 * the wait early if the daemon stops answering ({@link DaemonLiveness}).
	 * @return the token, or {@code null} if the lock was not free within the wait (the
	 * connection is then still borrowed, and healthy)
	 */
	private @Nullable Long waitInDaemon(DaemonConnection connection, String sessionId, long waitNanos, long deadline)
			throws InterruptedException {
		boolean healthy = false;
		DaemonLiveness.Waiter waiter = this.client.liveness().watch(connection);
		try {
			Long token = connection.exchange(lockRequest(sessionId, waitNanos), deadline, LOCK_ANSWER);
			healthy = !waiter.end();
			if (!healthy) {
				throw this.client.failure(Opcodes.LOCK, connection, new DaemonConnection.DeadlineException(
						new IOException("the daemon stopped answering while the lock was waited for")));
			}
			return token;
		}
		catch (IOException ex) {
			throw this.client.failure(Opcodes.LOCK, connection, ex);
		}
		finally {
			waiter.end();
			if (!healthy) {
				this.client.release(connection, false);
			}
		}
	}

	/**
	 * Take a free lock over a shared connection: with the session it guards when the store
	 * shares the held locks and the daemon speaks {@code LOCK_FIND} (protocol version 3).
	 */
	private SharedLockConnections.Held lockFree(String sessionId, long deadline) throws InterruptedException {
		DaemonHeldLocks heldLocks = this.heldLocks;
		if (heldLocks != null && this.lockFind) {
			SessionRecord copy = this.lockFindSince ? heldLocks.copy(sessionId) : null;
			WireOutput request = WireOutput.frame((copy != null) ? Opcodes.LOCK_FIND_SINCE : Opcodes.LOCK_FIND)
				.writeString(sessionId)
				.writeLong(0)
				.writeLong(this.lease.toMillis());
			try {
				if (copy != null) {
					request.writeLong(copy.version());
				}
				return remember(heldLocks, sessionId,
						this.shared.lock(request, deadline, (status, payload) -> lockFindAnswer(status, payload, copy)));
			}
			catch (UnknownOperationException ex) {
				if (copy == null) {
					this.lockFind = false;
					logger.info("The session daemon at " + this.client.getAddress() + " predates protocol version 3 ("
							+ ex.getMessage() + "): a request with its lock takes four calls instead of two");
					return this.shared.lock(lockRequest(sessionId, 0), deadline, SHARED_LOCK_ANSWER);
				}
				this.lockFindSince = false;
				logger.info("The session daemon at " + this.client.getAddress() + " predates protocol version 5 ("
						+ ex.getMessage() + "): a lock call answers the session even when this process has it");
				return lockFree(sessionId, deadline);
			}
		}
		return this.shared.lock(lockRequest(sessionId, 0), deadline, SHARED_LOCK_ANSWER);
	}

	/**
	 * Keep the session a lock call answered as this process's copy of it.
	 */
	private static SharedLockConnections.Held remember(DaemonHeldLocks heldLocks, String sessionId,
			SharedLockConnections.Held held) {
		SharedLockConnections.Locked locked = held.locked();
		DaemonHeldLocks.Prefetched prefetched = (locked != null) ? locked.prefetched() : null;
		if (prefetched != null && prefetched.record() != null) {
			heldLocks.keepCopy(prefetched.record());
		}
		else if (prefetched != null) {
			heldLocks.forgetCopy(sessionId);
		}
		return held;
	}

	private static SharedLockConnections.@Nullable Locked lockFindAnswer(byte status, WireInput payload,
			@Nullable SessionRecord copy) throws ProtocolException {
		if (status == Opcodes.TIMEOUT) {
			return null;
		}
		if (status == Opcodes.ERROR) {
			String message = payload.readString();
			if (message != null && message.startsWith("Unknown operation")) {
				throw new UnknownOperationException(message);
			}
			throw new IllegalStateException("The session daemon refused LOCK_FIND: " + message);
		}
		DaemonClient.expect(Opcodes.OK, status, payload, Opcodes.LOCK_FIND);
		long token = payload.readLong();
		byte found = payload.readByte();
		DaemonHeldLocks.Prefetched prefetched = switch (found) {
			case Opcodes.FOUND_NONE -> new DaemonHeldLocks.Prefetched(null);
			case Opcodes.FOUND_RECORD -> new DaemonHeldLocks.Prefetched(WireCodec.readRecord(payload));
			case Opcodes.FOUND_NOT_SENT -> null;
			case Opcodes.FOUND_CURRENT -> {
				if (copy == null) {
					throw new ProtocolException("LOCK_FIND answered a copy that was not sent as current");
				}
				yield new DaemonHeldLocks.Prefetched(copy);
			}
			default -> throw new ProtocolException("Unknown LOCK_FIND answer " + found);
		};
		payload.requireEnd();
		return new SharedLockConnections.Locked(token, prefetched);
	}

	/**
	 * An older daemon's answer to an operation it does not know.
	 */
	private static final class UnknownOperationException extends IllegalStateException {

		UnknownOperationException(String message) {
			super(message);
		}

	}

	private WireOutput lockRequest(String sessionId, long waitNanos) {
		return WireOutput.frame(Opcodes.LOCK)
			.writeString(sessionId)
			.writeLong(TimeUnit.NANOSECONDS.toMillis(waitNanos))
			.writeLong(this.lease.toMillis());
	}

	private static @Nullable Long token(byte status, WireInput payload) throws ProtocolException {
		if (status == Opcodes.TIMEOUT) {
			return null;
		}
		DaemonClient.expect(Opcodes.OK, status, payload, Opcodes.LOCK);
		return payload.readLong();
	}

	@Override
	public int heldLocks() {
		return this.held.get();
	}

	/**
	 * Release a lock taken over a shared connection, over that connection. If the daemon cannot
	 * be told, the connection is closed, which releases the lock in the daemon all the same.
	 */
	private void unlockShared(String sessionId, long token, SharedLockConnections.Held held) {
		try {
			this.shared.unlock(held, sessionId, token, deadline(), unlockAnswer(sessionId));
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		catch (RuntimeException ex) {
			logger.debug("Could not release the lock on session " + sessionId
					+ " in the daemon; closing its connection releases it", ex);
		}
	}

	/**
	 * Release a lock held in the daemon through a connection of its own. If the daemon cannot
	 * be told, the connection is closed instead, which releases the lock in the daemon all the
	 * same.
	 */
	private void unlockOwn(String sessionId, long token, DaemonConnection connection) {
		boolean healthy = false;
		try {
			connection.exchange(unlockRequest(sessionId, token), deadline(), unlockAnswer(sessionId));
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

	private long deadline() {
		return System.nanoTime() + this.client.getTimeout().toNanos();
	}

	private static WireOutput unlockRequest(String sessionId, long token) {
		return WireOutput.frame(Opcodes.UNLOCK).writeString(sessionId).writeLong(token);
	}

	private static DaemonClient.ResponseHandler<@Nullable Void> unlockAnswer(String sessionId) {
		return (status, payload) -> {
			if (status == Opcodes.NOT_FOUND) {
				logger.warn("The lock on session " + sessionId + " had already been released by the daemon: "
						+ "its lease ran out, or the connection that held it failed");
				return null;
			}
			DaemonClient.expect(Opcodes.OK, status, payload, Opcodes.UNLOCK);
			return null;
		};
	}

	/**
	 * Nothing to close: the locks are held by the connections of the client, which its owner
	 * closes (that releases them).
	 */
	@Override
	public void close() {
	}

}
