package dev.sessionstarter.daemon;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

import org.jspecify.annotations.Nullable;

/**
 * A client that retains request locks between its requests (protocol version 6): the owner of
 * the locks it retains, whose lease is the retention (its connections come and go, and none
 * owns them), the locks of it that others want, which the client asks for with {@code WANTED}
 * (a long poll) and then releases, and its notice connection: the connection of its latest
 * {@code WANTED}, when the client speaks {@link #RELEASE_ON_CLOSE_VERSION} or later. Such a
 * client trusts its retained locks only while that connection is up, and closes it only once it
 * trusts none (or by dying), so when the client's side closes it, while it is still the client's
 * notice connection, every lock the client retains is released at once (waiters take them)
 * rather than at the end of its lease. A connection the daemon closes itself (a deadline, the
 * connection limit, a stop) releases none: the client may not have seen that yet.
 */
final class Retainer {

	/**
	 * The first protocol version whose clients have their retained locks released when their side
	 * closes their notice connection (they say it with {@code HELLO} on that connection).
	 */
	static final int RELEASE_ON_CLOSE_VERSION = 7;

	/**
	 * The most notices kept for a client that does not ask for them; older ones are dropped
	 * (the leases end those locks all the same).
	 */
	private static final int MAX_WANTED = 10_000;

	final long clientId;

	final LockOwner owner = new LockOwner(this);

	private final ReentrantLock guard = new ReentrantLock();

	private final Condition noticed = this.guard.newCondition();

	/**
	 * The wanted locks not told yet: id to token.
	 */
	private final Map<String, Long> wanted = new LinkedHashMap<>();

	/**
	 * When the client last asked for this record (a lock, a save, a {@code WANTED}), a
	 * {@link System#nanoTime()} value.
	 */
	private volatile long lastUsed = System.nanoTime();

	/**
	 * How many {@code WANTED} of this client wait now; guarded by {@link #guard}.
	 */
	private int polling;

	/**
	 * Guards {@link #noticeConnection}, and is held while the locks are released when it closes, so
	 * that a newer notice connection, and the locks retained after it answered, are never
	 * mistaken for the closed one's. Taken before any lock's guard, never under one.
	 */
	private final Object noticeGuard = new Object();

	private @Nullable LockOwner noticeConnection;

	/**
	 * The {@link LockOwner#order} of the latest notice connection: the client asks on a newer one
	 * only once it closed the older, so a {@code WANTED} read later on an older one is stale.
	 */
	private long noticeOrder;

	Retainer(long clientId) {
		this.clientId = clientId;
	}

	/**
	 * Note that the client uses this record now.
	 * @return this record
	 */
	Retainer touch() {
		this.lastUsed = System.nanoTime();
		return this;
	}

	/**
	 * Whether the client seems gone: it holds no lock, no {@code WANTED} of it waits, and it has
	 * not used this record for longer than {@code idleNanos}.
	 * @param now the time now, a {@link System#nanoTime()} value
	 * @param idleNanos the longest time a client that is there goes without using it
	 * @return whether it may be forgotten
	 */
	boolean idle(long now, long idleNanos) {
		this.guard.lock();
		try {
			return this.polling == 0 && this.owner.held.isEmpty() && now - this.lastUsed > idleNanos;
		}
		finally {
			this.guard.unlock();
		}
	}

	/**
	 * Note that a connection of this client asks {@code WANTED}: if the client said it speaks
	 * {@link #RELEASE_ON_CLOSE_VERSION} or later on it, and it is not older than the latest notice
	 * connection, it is the notice connection from now on.
	 * @param connection the connection asking
	 */
	void asksOn(LockOwner connection) {
		if (connection.clientVersion < RELEASE_ON_CLOSE_VERSION) {
			return;
		}
		synchronized (this.noticeGuard) {
			if (connection.order < this.noticeOrder) {
				// read late (the daemon was slow): the client closed this one before it asked on the newer one
				return;
			}
			this.noticeOrder = connection.order;
			this.noticeConnection = connection;
		}
		connection.noticesOf = this;
	}

	/**
	 * The client's side closed a connection (its process died, or it stopped trusting its locks):
	 * if that is its notice connection, release every lock it retains.
	 * @param connection the connection
	 * @param releaseAll releases every lock {@link #owner} holds, handing each to its longest waiter
	 */
	void closedByClient(LockOwner connection, Runnable releaseAll) {
		synchronized (this.noticeGuard) {
			if (this.noticeConnection != connection) {
				return;
			}
			this.noticeConnection = null;
			releaseAll.run();
		}
		this.guard.lock();
		try {
			// the notices were for the locks just released
			this.wanted.clear();
		}
		finally {
			this.guard.unlock();
		}
	}

	/**
	 * Note that another wants a lock this client retains, and wake its {@code WANTED}.
	 * @param id the session id
	 * @param token the token the client retains it under
	 */
	void want(String id, long token) {
		this.guard.lock();
		try {
			if (this.wanted.size() >= MAX_WANTED) {
				this.wanted.remove(this.wanted.keySet().iterator().next());
			}
			this.wanted.put(id, token);
			this.noticed.signalAll();
		}
		finally {
			this.guard.unlock();
		}
	}

	/**
	 * Take the wanted locks, waiting for one at most {@code waitMillis}.
	 * @param waitMillis the longest wait
	 * @param max the most to take
	 * @return the wanted locks, id to token; empty if none came within the wait
	 * @throws InterruptedException if the daemon stops meanwhile
	 */
	Map<String, Long> take(long waitMillis, int max) throws InterruptedException {
		long remaining = TimeUnit.MILLISECONDS.toNanos(Math.max(0, waitMillis));
		this.guard.lock();
		this.polling++;
		try {
			while (this.wanted.isEmpty() && remaining > 0) {
				remaining = this.noticed.awaitNanos(remaining);
			}
			Map<String, Long> taken = new LinkedHashMap<>();
			var iterator = this.wanted.entrySet().iterator();
			while (iterator.hasNext() && taken.size() < max) {
				var entry = iterator.next();
				taken.put(entry.getKey(), entry.getValue());
				iterator.remove();
			}
			return taken;
		}
		finally {
			this.polling--;
			this.lastUsed = System.nanoTime();
			this.guard.unlock();
		}
	}

}
