package dev.sessionstarter.store.redis;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import java.util.stream.Collectors;

import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

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
		try (RedisConnection connection = connection(operation)) {
			List<? extends RedisFuture<? extends T>> futures = commands.apply(nativeCommands(connection));
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
		long deadline = System.nanoTime() + this.timeout.toNanos();
		try (RedisConnection connection = connection(operation)) {
			RedisClusterAsyncCommands<byte[], byte[]> commands = nativeCommands(connection);
			try {
				return await(commands.evalsha(script.getSha1(), ScriptOutputType.MULTI, keys, args), deadline,
						operation);
			}
			catch (RedisNoScriptException ex) {
				byte[] source = script.getScriptAsString().getBytes(StandardCharsets.UTF_8);
				return await(commands.eval(source, ScriptOutputType.MULTI, keys, args), deadline, operation);
			}
		}
	}

	private RedisConnection connection(String operation) {
		try {
			return this.factory.getConnection();
		}
		catch (RuntimeException ex) {
			throw new RedisUnavailableException(this.address,
					"Cannot connect to Redis at " + this.address + " for " + operation + ": " + ex.getMessage(), ex);
		}
	}

	@SuppressWarnings("unchecked")
	private static RedisClusterAsyncCommands<byte[], byte[]> nativeCommands(RedisConnection connection) {
		return (RedisClusterAsyncCommands<byte[], byte[]>) connection.getNativeConnection();
	}

	private <T> T await(RedisFuture<? extends T> future, long deadline, String operation) {
		try {
			return future.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
		}
		catch (TimeoutException ex) {
			future.cancel(true);
			throw new RedisUnavailableException(this.address, "Redis at " + this.address + " did not answer "
					+ operation + " within " + this.timeout.toMillis() + " ms (sessions.redis.timeout)", ex);
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
			throw new RedisUnavailableException(this.address,
					"Redis at " + this.address + " failed " + operation + ": " + cause.getMessage(), cause);
		}
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

}
