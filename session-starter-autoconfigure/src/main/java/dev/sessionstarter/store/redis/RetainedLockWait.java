package dev.sessionstarter.store.redis;

import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Runs a store script that takes no request lock (a save or removal outside a request, a rename's
 * removal of the old id) and is refused while another instance retains the session's lock
 * ({@code {-2, the lock's remaining time in ms}}, the script having asked that instance to release
 * it): waits for the release (published on {@link RedisKeys#lockReleases()}) or for the lock's end,
 * and runs the script again, until the lock's remaining time when first refused plus the deadline
 * of a call have passed.
 */
final class RetainedLockWait {

	private final RedisCalls calls;

	private final RedisKeys keys;

	private final RedisHeldLocks heldLocks;

	RetainedLockWait(RedisCalls calls, RedisKeys keys, RedisHeldLocks heldLocks) {
		this.calls = calls;
		this.keys = keys;
		this.heldLocks = heldLocks;
	}

	/**
	 * Whether a script's answer is a refusal because another instance retains the lock.
	 * @param answer the answer
	 * @return {@code true} if it is
	 */
	static boolean isRefused(List<Object> answer) {
		return answer.size() == 2 && answer.get(0) instanceof Long code && code == -2;
	}

	/**
	 * Return the lock's remaining time a refusal answered.
	 * @param answer the refusal
	 * @return the time, ms, at least 1
	 */
	static long remainingMillis(List<Object> answer) {
		return Math.max(1, SessionHash.number(answer.get(1)));
	}

	/**
	 * Run a script until it is not refused.
	 * @param sessionId the session id
	 * @param operation what the call does, for the error message
	 * @param script runs the script once
	 * @param giveUp undoes what the refused attempts did beside the script, when giving up
	 * @return its answer
	 * @throws RedisUnavailableException if still refused at the deadline
	 */
	List<Object> run(String sessionId, String operation, Supplier<List<Object>> script, Runnable giveUp) {
		List<Object> answer = script.get();
		if (!isRefused(answer)) {
			return answer;
		}
		long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(remainingMillis(answer))
				+ this.calls.timeout().toNanos();
		LockReleases releases = this.heldLocks.releases(this.calls, this.keys);
		LockWaiter waiter = releases.waiter(sessionId);
		try {
			releases.subscribe();
			while (true) {
				waiter.reset();
				answer = script.get();
				if (!isRefused(answer)) {
					return answer;
				}
				long remaining = deadline - System.nanoTime();
				if (remaining <= 0) {
					giveUp.run();
					throw new RedisUnavailableException(this.calls.address(), "Cannot " + operation + " session "
							+ sessionId + ": another instance retains its request lock (sessions.redis.lock-retain) "
							+ "and did not release it when asked", null);
				}
				waiter.await(Math.min(remaining, TimeUnit.MILLISECONDS.toNanos(remainingMillis(answer))));
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new RedisUnavailableException(this.calls.address(), "Interrupted while waiting for another "
					+ "instance to release the request lock of session " + sessionId, ex);
		}
		finally {
			releases.remove(sessionId, waiter);
		}
	}

}
