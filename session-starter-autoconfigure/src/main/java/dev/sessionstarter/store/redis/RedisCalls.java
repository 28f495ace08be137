package dev.sessionstarter.store.redis;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;

import io.lettuce.core.RedisFuture;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.util.Assert;

import dev.sessionstarter.store.redis.SharedCommands.Lease;

/**
 * How the {@code redis} store (and a lock manager beside it) talks to Redis: Lettuce's
 * asynchronous commands on the connection of Spring Data Redis's
 * {@link LettuceConnectionFactory} (its shared, pipelined connection unless the factory is set
 * not to share one), each call waited for with a deadline of its own, whatever Lettuce's
 * command timeout is. Commands a call issues together are pipelined, and on a cluster each
 * goes to the node of its key.
 *
 * <p>A call that Redis does not answer in time, or that cannot reach Redis, fails with a
 * {@link RedisUnavailableException} naming the Redis address; a command Redis refuses fails
 * with an {@link IllegalStateException}. Scripts are run by {@link ScriptCalls}.
 */
public final class RedisCalls {

	private static final Log logger = LogFactory.getLog(RedisCalls.class);

	private final LettuceConnectionFactory factory;

	private final Duration timeout;

	private final String address;

	private final CallFailures failures;

	private final SharedCommands commands;

	private final ScriptCalls scripts = new ScriptCalls(this);

	/**
	 * The calls made: each is one round trip, its commands pipelined.
	 */
	private final LongAdder roundTrips = new LongAdder();

	/**
	 * Create the calls over a connection factory.
	 * @param factory the factory, as Spring Boot's Redis auto-configuration or the application
	 * defines it
	 * @param timeout the deadline of every call, greater than zero
	 */
	public RedisCalls(LettuceConnectionFactory factory, Duration timeout) {
		Assert.notNull(factory, "'factory' must not be null");
		Assert.isTrue(timeout != null && timeout.toNanos() > 0, "'timeout' must be greater than zero");
		this.factory = factory;
		this.timeout = timeout;
		this.address = SharedCommands.describe(factory);
		this.failures = new CallFailures(this.address, timeout);
		this.commands = new SharedCommands(factory, timeout, (operation, ex) -> this.failures.unavailable(
				new RedisUnavailableException(this.address, "Cannot connect to Redis at " + this.address + " for "
						+ operation + ": " + ex.getMessage(), ex)));
	}

	/**
	 * Return the Redis address, as error messages name it.
	 * @return {@code host:port}, or the nodes of a cluster or of the sentinels
	 */
	public String address() {
		return this.address;
	}

	/**
	 * Return the deadline of every call.
	 * @return the deadline
	 */
	public Duration timeout() {
		return this.timeout;
	}

	/**
	 * Return the connection factory the calls are made on.
	 * @return the factory
	 */
	public LettuceConnectionFactory connectionFactory() {
		return this.factory;
	}

	/**
	 * Open the connection now and check that Redis answers, so that the first request does not
	 * pay for connecting (Lettuce connects when first asked). A Redis that does not answer is
	 * logged, not thrown: until it answers, calls fail with {@link RedisUnavailableException}.
	 * @return whether Redis answered within the deadline
	 */
	public boolean connect() {
		try {
			this.<String>call("connect", (commands) -> commands.ping());
			return true;
		}
		catch (RedisUnavailableException ex) {
			logger.warn(ex.getMessage() + "; session calls fail until it answers");
			return false;
		}
	}

	/**
	 * Run one command and wait for its answer.
	 * @param <T> the type of the answer
	 * @param operation what the call does, for error messages (such as {@code find})
	 * @param command issues the command on the commands it is given
	 * @return the answer
	 */
	public <T> T call(String operation,
			Function<RedisClusterAsyncCommands<byte[], byte[]>, ? extends RedisFuture<? extends T>> command) {
		return this.<T>callAll(operation, (commands) -> List.of(command.apply(commands))).get(0);
	}

	/**
	 * Run several commands pipelined and wait for all their answers, within one deadline.
	 * @param <T> the type of the answers
	 * @param operation what the call does, for error messages
	 * @param commands issues the commands on the commands it is given
	 * @return the answers, in the order of the commands; {@code null} for a nil answer
	 */
	public <T> List<T> callAll(String operation,
			Function<RedisClusterAsyncCommands<byte[], byte[]>, List<? extends RedisFuture<? extends T>>> commands) {
		long deadline = start();
		try (Lease lease = lease(operation)) {
			List<? extends RedisFuture<? extends T>> futures = commands.apply(lease.commands());
			List<T> answers = new ArrayList<>(futures.size());
			for (RedisFuture<? extends T> future : futures) {
				answers.add(await(future, deadline, operation));
			}
			return answers;
		}
	}

	/**
	 * Return how many calls were made, each one round trip to Redis (a script Redis did not know
	 * yet costs one more).
	 * @return the number since these calls were created
	 */
	long roundTrips() {
		return this.roundTrips.sum();
	}

	/**
	 * Return the failure of a call that found Redis unavailable since a given time, unless a call
	 * succeeded after it: a caller that waited meanwhile (in a queue of this process) can fail
	 * with it at once, rather than wait for a deadline of its own.
	 * @param since the time, as {@link System#nanoTime()}
	 * @return the failure, or {@code null} if no call failed since, or one succeeded after
	 */
	public @Nullable RedisUnavailableException failedSince(long since) {
		return this.failures.since(since);
	}

	/**
	 * Give up making the connection factory's shared connection, if under way, so that the
	 * factory's stop need not wait for Lettuce's timeout while Redis accepts connections and
	 * answers nothing: to call before the factory stops. A later call connects again.
	 */
	public void stopConnecting() {
		this.commands.stopConnecting();
	}

	/**
	 * Return the calls that run scripts.
	 * @return the script calls
	 */
	ScriptCalls scripts() {
		return this.scripts;
	}

	/**
	 * Count a call and return its deadline.
	 * @return the deadline, as {@link System#nanoTime()}
	 */
	long start() {
		this.roundTrips.increment();
		return System.nanoTime() + this.timeout.toNanos();
	}

	Lease lease(String operation) {
		return this.commands.lease(operation);
	}

	<T> T await(RedisFuture<? extends T> future, long deadline, String operation) {
		return this.failures.await(future, deadline, operation);
	}

}
