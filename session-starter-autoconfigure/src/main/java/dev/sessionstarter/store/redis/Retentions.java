package dev.sessionstarter.store.redis;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;

import org.jspecify.annotations.Nullable;

import dev.sessionstarter.store.redis.LockRequests.Asked;
import dev.sessionstarter.store.redis.RedisHeldLocks.Prefetched;

/**
 * The request locks a {@link RedisSessionLockManager} retains between requests
 * ({@code sessions.redis.lock-retain}): a save that would release a lock keeps it in Redis, with
 * its token, for the retention, and this process trusts for half of it (counted from when the
 * save was sent, and only while no connection was lost since) that no other instance took it,
 * so the session's next request here takes the lock without asking Redis and is served the
 * session that save left.
 *
 * <p>Another instance that wants the lock asks for it (its scripts publish the session id on this
 * process's channel, {@link RedisKeys#lockRequests(String)}), which {@link #requests() its
 * requests} handle. Every change of an id's state (taken, held, ended, asked for) is made in one
 * atomic step of the map the two share, so none is missed.
 */
final class Retentions {

	private final ConcurrentHashMap<String, Object> states = new ConcurrentHashMap<>();

	private final RedisHeldLocks heldLocks;

	private final long retainMillis;

	private final long leaseNanos;

	private final LockRequests requests;

	/**
	 * Create the retentions of a lock manager.
	 * @param heldLocks the locks held by requests
	 * @param retainMillis how long a lock is retained in Redis
	 * @param leaseMillis the lease a renewal gives a lock, which a retained lock may have
	 * @param unlock sends the release of a session's lock held by a token
	 */
	Retentions(RedisHeldLocks heldLocks, long retainMillis, long leaseMillis, BiConsumer<String, byte[]> unlock) {
		this.heldLocks = heldLocks;
		this.retainMillis = retainMillis;
		this.leaseNanos = leaseMillis * 1_000_000L;
		this.requests = new LockRequests(this.states, heldLocks, retainMillis * 1_000_000L, unlock);
	}

	/**
	 * Return the requests of other instances for the locks retained or held.
	 */
	LockRequests requests() {
		return this.requests;
	}

	/**
	 * Take a retained lock of a session for a request, without asking Redis, if it is trusted.
	 * @param sessionId the session id
	 * @return the lock, added to the held locks, or {@code null} if none is trusted
	 */
	@Nullable Held take(String sessionId) {
		Held[] taken = new Held[1];
		this.states.computeIfPresent(sessionId, (id, state) -> {
			if (state instanceof Retention retention
					&& retention.isTrusted(System.nanoTime(), this.heldLocks.connectionEpoch())) {
				Held lock = new Held(id, retention.token(), new Prefetched(retention.record(), retention.version()),
						this.retainMillis, retention);
				this.heldLocks.add(lock);
				taken[0] = lock;
				return null;
			}
			return state;
		});
		return taken[0];
	}

	/**
	 * End a request's lock: retain it if its saves left a trusted retention (or it was taken from
	 * one and not written since) and no other instance asked for it.
	 * @param lock the lock
	 * @return whether it is retained; if not, the caller releases it in Redis
	 */
	boolean end(Held lock) {
		boolean[] retained = new boolean[1];
		this.states.compute(lock.sessionId(), (id, state) -> {
			this.heldLocks.remove(lock);
			Retention retention = lock.retention();
			if (retention != null && retention.isTrusted(System.nanoTime(), this.heldLocks.connectionEpoch())) {
				retained[0] = true;
				return retention;
			}
			return null;
		});
		return retained[0];
	}

	/**
	 * Forget every retention, returning the tokens of the locks still to be released.
	 * @return the tokens by session id
	 */
	Map<String, byte[]> releaseAll() {
		Map<String, byte[]> tokens = new HashMap<>();
		this.states.forEach((id, state) -> {
			if (state instanceof Retention retention && this.states.remove(id, state)) {
				tokens.put(id, retention.token());
			}
		});
		return tokens;
	}

	/**
	 * Forget the retentions whose lock has expired in Redis (a renewal while its request ran may
	 * have given it a lease), and requests that are old; keep only the token of those no longer
	 * trusted, for a release another instance asks for.
	 */
	void prune() {
		long now = System.nanoTime();
		long epoch = this.heldLocks.connectionEpoch();
		this.states.forEach((id, state) -> {
			if (state instanceof Retention retention) {
				if (retention.hasExpired(now - this.leaseNanos)) {
					this.states.remove(id, state);
				}
				else if (retention.record() != null && !retention.isTrusted(now, epoch)) {
					this.states.replace(id, state, retention.withoutRecord());
				}
			}
			else if (this.requests.isOld((Asked) state, now)) {
				this.states.remove(id, state);
			}
		});
	}

	/**
	 * Return how many session ids have a retention or a pending request.
	 * @return the number
	 */
	int size() {
		return this.states.size();
	}

}
