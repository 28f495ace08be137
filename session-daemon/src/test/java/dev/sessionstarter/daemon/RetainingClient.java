package dev.sessionstarter.daemon;

import java.time.Duration;
import java.util.List;

import dev.sessionstarter.daemon.client.DaemonClient;
import dev.sessionstarter.daemon.client.DaemonHeldLocks;
import dev.sessionstarter.daemon.client.DaemonSessionLockManager;
import dev.sessionstarter.daemon.client.DaemonSessionStore;
import dev.sessionstarter.daemon.protocol.DaemonAddress;
import dev.sessionstarter.lock.SessionLock;
import dev.sessionstarter.serialization.JavaSessionSerializer;
import dev.sessionstarter.store.StoreSessionRepository;
import dev.sessionstarter.store.StoredSession;

/**
 * One application's daemon store and lock manager wired as the auto-configuration wires them
 * (two clients, held locks shared), with a retention of request locks, for tests of retained
 * locks: a request is a lock, a find, maybe a save, and a release.
 */
final class RetainingClient implements AutoCloseable {

	final DaemonClient storeClient;

	final DaemonClient lockClient;

	final DaemonHeldLocks heldLocks;

	final DaemonSessionLockManager locks;

	final StoreSessionRepository repository;

	private final Duration retain;

	RetainingClient(DaemonAddress address, Duration retain) {
		this(address, address, retain, Duration.ofSeconds(5));
	}

	/**
	 * An application whose store and lock clients use addresses of their own (so a proxy may sit
	 * in front of the store's only), with a deadline for every call.
	 */
	RetainingClient(DaemonAddress storeAddress, DaemonAddress lockAddress, Duration retain, Duration timeout) {
		this(storeAddress, lockAddress, retain, timeout, Duration.ZERO);
	}

	/**
	 * An application whose lock manager asks for a lease of its own ({@link Duration#ZERO} for
	 * the daemon's default).
	 */
	RetainingClient(DaemonAddress storeAddress, DaemonAddress lockAddress, Duration retain, Duration timeout,
			Duration lease) {
		this.retain = retain;
		this.storeClient = new DaemonClient(storeAddress, timeout, 8, 8, null);
		this.lockClient = new DaemonClient(lockAddress, timeout, 16, 8, null);
		this.heldLocks = new DaemonHeldLocks(retain);
		DaemonSessionStore store = new DaemonSessionStore(this.storeClient);
		store.setHeldLocks(this.heldLocks);
		this.locks = new DaemonSessionLockManager(this.lockClient, lease);
		this.locks.setHeldLocks(this.heldLocks);
		this.repository = new StoreSessionRepository(store, new JavaSessionSerializer(List.of(), null));
	}

	/**
	 * A request that adds one to the session's counter.
	 * @return the count it saved
	 */
	int increment(String sessionId) throws InterruptedException {
		SessionLock lock = this.locks.tryLock(sessionId, Duration.ofSeconds(30));
		if (lock == null) {
			throw new IllegalStateException("lock timed out");
		}
		try {
			StoredSession session = this.repository.findById(sessionId);
			Integer count = session.getAttribute("count");
			int next = ((count != null) ? count : 0) + 1;
			session.setAttribute("count", next);
			this.repository.save(session);
			return next;
		}
		finally {
			lock.release();
		}
	}

	/**
	 * A request that reads an attribute and writes nothing.
	 */
	Object read(String sessionId, String attribute) throws InterruptedException {
		SessionLock lock = this.locks.tryLock(sessionId, Duration.ofSeconds(30));
		if (lock == null) {
			throw new IllegalStateException("lock timed out");
		}
		try {
			return this.repository.findById(sessionId).getAttribute(attribute);
		}
		finally {
			lock.release();
		}
	}

	/**
	 * A request that finds whether its session exists, and writes nothing.
	 */
	boolean exists(String sessionId) throws InterruptedException {
		SessionLock lock = this.locks.tryLock(sessionId, Duration.ofSeconds(30));
		if (lock == null) {
			throw new IllegalStateException("lock timed out");
		}
		try {
			return this.repository.findById(sessionId) != null;
		}
		finally {
			lock.release();
		}
	}

	/**
	 * A request that deletes its session (a logout).
	 */
	void delete(String sessionId) throws InterruptedException {
		SessionLock lock = this.locks.tryLock(sessionId, Duration.ofSeconds(30));
		if (lock == null) {
			throw new IllegalStateException("lock timed out");
		}
		try {
			this.repository.findById(sessionId);
			this.repository.deleteById(sessionId);
		}
		finally {
			lock.release();
		}
	}

	/**
	 * Whether locks are retained from now on (the notice connection answered), or none are to be.
	 */
	boolean noticesUp() {
		return this.retain.isZero() || this.heldLocks.isRetaining();
	}

	@Override
	public void close() {
		this.heldLocks.close();
		this.lockClient.close();
		this.storeClient.close();
	}

}
