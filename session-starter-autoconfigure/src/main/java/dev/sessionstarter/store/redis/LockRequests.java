package dev.sessionstarter.store.redis;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiConsumer;

/**
 * The requests of other instances for the locks this process retains or holds
 * ({@code sessions.redis.lock-retain}): a retained lock asked for is released at once, a held one
 * at the end of its request, and a request for an id this process neither retains nor holds yet
 * is kept (as {@link Asked}) for the lock call that may be taking it now. When requests may have
 * been missed (the subscription was made again), every lock is handled as asked for, and so is
 * the lock of a call sent before ({@link #beforeLockCall()}, {@link #held}). Each change of an
 * id's state is one atomic step of the map it shares with its {@link Retentions}.
 */
final class LockRequests {

	/**
	 * A request for an id that this process neither held nor retained when it came: the lock
	 * call that is taking it now releases it at its end.
	 * @param at when it came, as {@link System#nanoTime()}
	 */
	record Asked(long at) {
	}

	private final ConcurrentHashMap<String, Object> states;

	private final RedisHeldLocks heldLocks;

	private final long retainNanos;

	private final BiConsumer<String, byte[]> unlock;

	/**
	 * How many times every lock was handled as asked for ({@link #askedForAll}): a lock call sent
	 * before one of them, whose lock was in neither of its passes, is asked for too.
	 */
	private final AtomicLong allAsked = new AtomicLong();

	/**
	 * Create the requests of a lock manager's retentions.
	 * @param states the state of each id: a {@link Retention} or an {@link Asked}
	 * @param heldLocks the locks held by requests
	 * @param retainNanos how long a lock is retained, and a request kept
	 * @param unlock sends the release of a session's lock held by a token
	 */
	LockRequests(ConcurrentHashMap<String, Object> states, RedisHeldLocks heldLocks, long retainNanos,
			BiConsumer<String, byte[]> unlock) {
		this.states = states;
		this.heldLocks = heldLocks;
		this.retainNanos = retainNanos;
		this.unlock = unlock;
	}

	/**
	 * Return a mark to take before a lock call, for {@link #held}.
	 * @return the mark
	 */
	long beforeLockCall() {
		return this.allAsked.get();
	}

	/**
	 * Add a lock a lock call took to the held locks; if another instance asked for it meanwhile,
	 * or every lock was handled as asked for since the call was sent (requests may have been
	 * missed), it is released at the end of its request.
	 * @param lock the lock
	 * @param mark what {@link #beforeLockCall()} returned before the call was sent
	 */
	void held(Held lock, long mark) {
		this.states.compute(lock.sessionId(), (id, state) -> {
			if (state instanceof Asked asked && !isOld(asked, System.nanoTime())) {
				lock.requestRelease();
			}
			this.heldLocks.add(lock);
			return null;
		});
		// read once the lock is among the held ones: an askedForAll that began later sees it there
		if (this.allAsked.get() != mark) {
			lock.requestRelease();
		}
	}

	/**
	 * Handle another instance's request for a session's lock: release it now if retained, at the
	 * end of its request if held.
	 * @param sessionId the session id
	 */
	void requested(String sessionId) {
		byte[][] release = new byte[1][];
		this.states.compute(sessionId, (id, state) -> {
			if (state instanceof Retention retention) {
				// and if a lock call of this process comes before the release, it is asked too
				release[0] = retention.token();
				return new Asked(System.nanoTime());
			}
			Held lock = this.heldLocks.get(id);
			if (lock != null) {
				lock.requestRelease();
				return null;
			}
			return new Asked(System.nanoTime());
		});
		if (release[0] != null) {
			this.unlock.accept(sessionId, release[0]);
		}
	}

	/**
	 * Handle every lock held (released at its request's end) or retained (released now) as
	 * asked for, held ones first, so that none is retained between.
	 */
	void askedForAll() {
		this.allAsked.incrementAndGet();
		this.heldLocks.all().forEach((lock) -> requested(lock.sessionId()));
		this.states.forEach((id, state) -> {
			if (state instanceof Retention) {
				requested(id);
			}
		});
	}

	/**
	 * Whether a request kept for an id is older than a retention, so forgotten.
	 * @param asked the request
	 * @param now the time, as {@link System#nanoTime()}
	 */
	boolean isOld(Asked asked, long now) {
		return now - asked.at() >= this.retainNanos;
	}

}
