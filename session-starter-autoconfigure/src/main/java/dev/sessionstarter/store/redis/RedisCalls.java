package dev.sessionstarter.store.redis;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.BiConsumer;
import java.util.function.Function;
import java.util.stream.Collectors;

import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.StatefulConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.cluster.api.async.RedisAdvancedClusterAsyncCommands;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.data.redis.connection.RedisConnection;
import org.springframework.data.redis.connection.RedisNode;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.script.RedisScript;
import org.springframework.util.Assert;

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
 * with an {@link IllegalStateException}. Scripts are called by their SHA-1 ({@code EVALSHA});
 * a Redis that does not know the script yet (a new or restarted server) is sent its source
 * once ({@code EVAL}), which also loads it.
 */
public final class RedisCalls {

	private static final Log logger = LogFactory.getLog(RedisCalls.class);

	private final LettuceConnectionFactory factory;

	private final Duration timeout;

	private final String address;

	/**
	 * The last failure of a call that found Redis unavailable, forgotten when a call succeeds.
	 */
	private volatile @Nullable Failure failure;

	/**
	 * The SHA-1 of the scripts Redis ran for these calls, so that it knows them.
	 */
	private final Set<String> loadedScripts = ConcurrentHashMap.newKeySet();

	/**
	 * The calls made: each is one round trip, its commands pipelined.
	 */
	private final LongAdder roundTrips = new LongAdder();

	/**
	 * The factory's shared connection and its commands, once a call took them.
	 */
	private volatile @Nullable Shared shared;

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
		this.address = describe(factory);
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
		long deadline = System.nanoTime() + this.timeout.toNanos();
		this.roundTrips.increment();
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
	 * Run a script and wait for its answer: by its SHA-1, and by its source when Redis does not
	 * know it yet.
	 * @param script the script; its answer is an array
	 * @param operation what the call does, for error messages
	 * @param keys the keys it touches, all of one cluster slot
	 * @param args its arguments
	 * @return the elements of the array it answered: {@code byte[]} for strings, {@code Long}
	 * for integers, {@code null} for nil
	 */
	public List<Object> script(RedisScript<?> script, String operation, byte[][] keys, byte[]... args) {
		return script(script, operation, keys, args, (commands) -> List.of());
	}

	/**
	 * Run a script and, pipelined after it in the same round trip, other commands that do not
	 * depend on its answer (on a cluster, to the nodes of their keys), and wait for all their
	 * answers within one deadline.
	 * @param script the script; its answer is an array
	 * @param operation what the call does, for error messages
	 * @param keys the keys it touches, all of one cluster slot
	 * @param args its arguments
	 * @param alongside issues the other commands on the commands it is given
	 * @return the elements of the array the script answered, as {@link #script(RedisScript, String,
	 * byte[][], byte[]...)} returns them
	 */
	public List<Object> script(RedisScript<?> script, String operation, byte[][] keys, byte[][] args,
			Function<RedisClusterAsyncCommands<byte[], byte[]>, List<? extends RedisFuture<?>>> alongside) {
		long deadline = System.nanoTime() + this.timeout.toNanos();
		this.roundTrips.increment();
		try (Lease lease = lease(operation)) {
			RedisClusterAsyncCommands<byte[], byte[]> commands = lease.commands();
			RedisFuture<List<Object>> sent = commands.evalsha(script.getSha1(), ScriptOutputType.MULTI, keys, args);
			List<? extends RedisFuture<?>> others = alongside.apply(commands);
			List<Object> answer;
			try {
				answer = await(sent, deadline, operation);
			}
			catch (RedisNoScriptException ex) {
				byte[] source = script.getScriptAsString().getBytes(StandardCharsets.UTF_8);
				answer = await(commands.eval(source, ScriptOutputType.MULTI, keys, args), deadline, operation);
			}
			this.loadedScripts.add(script.getSha1());
			for (RedisFuture<?> other : others) {
				await(other, deadline, operation);
			}
			return answer;
		}
	}

	/**
	 * Send a script without waiting for its answer: by its SHA-1 once Redis is known to have it,
	 * else by its source, so that Redis runs it after the commands sent before it on the same
	 * connection and before those sent after (a script Redis turns out not to know, after its
	 * restart, is sent again by its source). It is sent at once if connected, else when the
	 * connection is back; its answer or failure goes to the given callback, on a thread of the
	 * client.
	 * @param script the script; its answer is an array
	 * @param operation what the call does, for error messages
	 * @param keys the keys it touches, all of one cluster slot
	 * @param args its arguments
	 * @param done called with the elements of the array it answered, or with the failure
	 */
	public void send(RedisScript<?> script, String operation, byte[][] keys, byte[][] args,
			BiConsumer<@Nullable List<Object>, @Nullable Throwable> done) {
		String sha = script.getSha1();
		byte[] source = script.getScriptAsString().getBytes(StandardCharsets.UTF_8);
		this.roundTrips.increment();
		try (Lease lease = lease(operation)) {
			RedisClusterAsyncCommands<byte[], byte[]> commands = lease.commands();
			CompletionStage<List<Object>> answer;
			if (this.loadedScripts.contains(sha)) {
				answer = commands.<List<Object>>evalsha(sha, ScriptOutputType.MULTI, keys, args)
					.exceptionallyCompose((ex) -> {
						if (unwrap(ex) instanceof RedisNoScriptException) {
							this.loadedScripts.remove(sha);
							return commands.<List<Object>>eval(source, ScriptOutputType.MULTI, keys, args);
						}
						return CompletableFuture.failedStage(ex);
					});
			}
			else {
				// by its source, so that it is run in the order it was sent in
				answer = commands.<List<Object>>eval(source, ScriptOutputType.MULTI, keys, args);
			}
			answer.whenComplete((elements, ex) -> {
				if (ex == null) {
					this.loadedScripts.add(sha);
				}
				done.accept(elements, (ex != null) ? unwrap(ex) : null);
			});
		}
		catch (RuntimeException ex) {
			done.accept(null, ex);
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
	 * Return the failure of a call that found Redis unavailable since a given time, unless a
	 * call succeeded after it: a caller that waited meanwhile (in a queue of this process) can
	 * fail with it at once, rather than wait for a deadline of its own.
	 * @param since the time, as {@link System#nanoTime()}
	 * @return the failure, or {@code null} if no call failed since, or one succeeded after
	 */
	public @Nullable RedisUnavailableException failedSince(long since) {
		Failure last = this.failure;
		return (last != null && last.nanos() - since > 0) ? last.exception() : null;
	}

	private static Throwable unwrap(Throwable ex) {
		Throwable cause = ex;
		while ((cause instanceof CompletionException || cause instanceof ExecutionException)
				&& cause.getCause() != null) {
			cause = cause.getCause();
		}
		return cause;
	}

	private RedisUnavailableException unavailable(RedisUnavailableException ex) {
		this.failure = new Failure(System.nanoTime(), ex);
		return ex;
	}

	private RedisConnection connection(String operation) {
		try {
			return this.factory.getConnection();
		}
		catch (RuntimeException ex) {
			throw unavailable(new RedisUnavailableException(this.address,
					"Cannot connect to Redis at " + this.address + " for " + operation + ": " + ex.getMessage(), ex));
		}
	}

	/**
	 * Return the commands of a call: those of the factory's shared connection, taken once and
	 * kept while it is open (the factory's connection wrapper, made afresh for every call, costs
	 * more than many a command), or those of a connection of the call's own when the factory
	 * shares none.
	 */
	private Lease lease(String operation) {
		Shared shared = this.shared;
		if (shared != null && shared.connection().isOpen()) {
			return new Lease(shared.commands(), null);
		}
		RedisConnection connection = connection(operation);
		RedisClusterAsyncCommands<byte[], byte[]> commands = nativeCommands(connection);
		StatefulConnection<?, ?> stateful = statefulConnection(commands);
		if (!this.factory.getShareNativeConnection() || stateful == null) {
			return new Lease(commands, connection);
		}
		// closing the wrapper leaves the shared connection open
		connection.close();
		this.shared = new Shared(commands, stateful);
		return new Lease(commands, null);
	}

	private static @Nullable StatefulConnection<?, ?> statefulConnection(
			RedisClusterAsyncCommands<byte[], byte[]> commands) {
		if (commands instanceof RedisAsyncCommands<byte[], byte[]> standalone) {
			return standalone.getStatefulConnection();
		}
		if (commands instanceof RedisAdvancedClusterAsyncCommands<byte[], byte[]> cluster) {
			return cluster.getStatefulConnection();
		}
		return null;
	}

	@SuppressWarnings("unchecked")
	private static RedisClusterAsyncCommands<byte[], byte[]> nativeCommands(RedisConnection connection) {
		return (RedisClusterAsyncCommands<byte[], byte[]>) connection.getNativeConnection();
	}

	private <T> T await(RedisFuture<? extends T> future, long deadline, String operation) {
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

	private static String describe(LettuceConnectionFactory factory) {
		if (factory.isClusterAware()) {
			return "cluster " + nodes(factory.getClusterConfiguration().getClusterNodes());
		}
		if (factory.isRedisSentinelAware()) {
			return "sentinel master " + factory.getSentinelConfiguration().getMaster().getName() + " via "
					+ nodes(factory.getSentinelConfiguration().getSentinels());
		}
		if (factory.getSocketConfiguration() != null) {
			return factory.getSocketConfiguration().getSocket();
		}
		return factory.getHostName() + ":" + factory.getPort();
	}

	private static String nodes(Iterable<RedisNode> nodes) {
		List<String> names = new ArrayList<>();
		nodes.forEach((node) -> names.add(node.asString()));
		return names.stream().collect(Collectors.joining(","));
	}

	/**
	 * The commands a call is made with, and the connection of its own to close after it, if any.
	 */
	private record Lease(RedisClusterAsyncCommands<byte[], byte[]> commands,
			@Nullable RedisConnection connection) implements AutoCloseable {

		@Override
		public void close() {
			if (this.connection != null) {
				this.connection.close();
			}
		}

	}

	/**
	 * The factory's shared connection and its commands.
	 */
	private record Shared(RedisClusterAsyncCommands<byte[], byte[]> commands, StatefulConnection<?, ?> connection) {
	}

	/**
	 * A call's failure, and when it happened ({@link System#nanoTime()}).
	 */
	private record Failure(long nanos, RedisUnavailableException exception) {
	}

}
