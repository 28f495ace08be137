package dev.sessionstarter.store.redis;

import java.time.Duration;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.RedisNoScriptException;
import org.jspecify.annotations.Nullable;

/**
 * How {@link RedisCalls} wait for an answer within a deadline and what they throw when it does
 * not come: a {@link RedisUnavailableException} naming the Redis address when Redis does not
 * answer in time or cannot be reached, an {@link IllegalStateException} when it refuses a
 * command. The last failure that found Redis unavailable is kept until a call succeeds.
 */
final class CallFailures {

	private final String address;

	private final Duration timeout;

	/**
	 * The last failure of a call that found Redis unavailable, forgotten when a call succeeds.
	 */
	private volatile @Nullable Failure failure;

	CallFailures(String address, Duration timeout) {
		this.address = address;
		this.timeout = timeout;
	}

	/**
	 * Wait for the answer of a command until a deadline.
	 * @param <T> the type of the answer
	 * @param future the command's future
	 * @param deadline the deadline, as {@link System#nanoTime()}
	 * @param operation what the call does, for error messages
	 * @return the answer
	 * @throws RedisNoScriptException if the command was a script Redis does not know
	 */
	<T> T await(RedisFuture<? extends T> future, long deadline, String operation) {
		T answer;
		try {
			answer = future.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
		}
		catch (TimeoutException ex) {
			future.cancel(true);
			throw unavailable(new RedisUnavailableException(this.address, "Redis at " + this.address
					+ " did not answer " + operation + " within " + this.timeout.toMillis()
					+ " ms (sessions.redis.timeout)", ex));
		}
		catch (InterruptedException ex) {
			future.cancel(true);
			Thread.currentThread().interrupt();
			throw new RedisUnavailableException(this.address,
					"Interrupted while waiting for Redis at " + this.address + " to answer " + operation, ex);
		}
		catch (ExecutionException ex) {
			Throwable cause = (ex.getCause() != null) ? ex.getCause() : ex;
			if (cause instanceof RedisNoScriptException noScript) {
				throw noScript;
			}
			if (cause instanceof RedisCommandExecutionException) {
				throw new IllegalStateException(
						"Redis at " + this.address + " refused " + operation + ": " + cause.getMessage(), cause);
			}
			throw unavailable(new RedisUnavailableException(this.address,
					"Redis at " + this.address + " failed " + operation + ": " + cause.getMessage(), cause));
		}
		if (this.failure != null) {
			this.failure = null;
		}
		return answer;
	}

	/**
	 * Remember a failure that found Redis unavailable.
	 * @param ex the failure
	 * @return the failure, to throw
	 */
	RedisUnavailableException unavailable(RedisUnavailableException ex) {
		this.failure = new Failure(System.nanoTime(), ex);
		return ex;
	}

	/**
	 * Return the failure that found Redis unavailable since a given time, unless a call
	 * succeeded after it.
	 * @param since the time, as {@link System#nanoTime()}
	 * @return the failure, or {@code null}
	 */
	@Nullable RedisUnavailableException since(long since) {
		Failure last = this.failure;
		return (last != null && last.nanos() - since > 0) ? last.exception() : null;
	}

	/**
	 * Return the cause of a failure of an asynchronous command.
	 * @param ex the failure, as a future completed with it
	 * @return its cause, without the wrappers of futures
	 */
	static Throwable unwrap(Throwable ex) {
		Throwable cause = ex;
		while ((cause instanceof CompletionException || cause instanceof ExecutionException)
				&& cause.getCause() != null) {
			cause = cause.getCause();
		}
		return cause;
	}

	/**
	 * A call's failure, and when it happened ({@link System#nanoTime()}).
	 */
	private record Failure(long nanos, RedisUnavailableException exception) {
	}

}
