package dev.sessionstarter.store.redis;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;
import java.util.function.Function;

import io.lettuce.core.RedisFuture;
import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import org.jspecify.annotations.Nullable;

import org.springframework.data.redis.core.script.RedisScript;

import dev.sessionstarter.store.redis.SharedCommands.Lease;

/**
 * The {@link RedisCalls} that run scripts, with their deadline and failures. Scripts are called
 * by their SHA-1 ({@code EVALSHA}); a Redis that does not know the script yet (a new or
 * restarted server) is sent its source once ({@code EVAL}), which also loads it.
 */
final class ScriptCalls {

	private final RedisCalls calls;

	/**
	 * The SHA-1 of the scripts Redis ran for these calls, so that it knows them.
	 */
	private final Set<String> loadedScripts = ConcurrentHashMap.newKeySet();

	ScriptCalls(RedisCalls calls) {
		this.calls = calls;
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
	List<Object> script(RedisScript<?> script, String operation, byte[][] keys, byte[]... args) {
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
	List<Object> script(RedisScript<?> script, String operation, byte[][] keys, byte[][] args,
			Function<RedisClusterAsyncCommands<byte[], byte[]>, List<? extends RedisFuture<?>>> alongside) {
		long deadline = this.calls.start();
		try (Lease lease = this.calls.lease(operation)) {
			RedisClusterAsyncCommands<byte[], byte[]> commands = lease.commands();
			RedisFuture<List<Object>> sent = commands.evalsha(script.getSha1(), ScriptOutputType.MULTI, keys, args);
			List<? extends RedisFuture<?>> others = alongside.apply(commands);
			List<Object> answer;
			try {
				answer = this.calls.await(sent, deadline, operation);
			}
			catch (RedisNoScriptException ex) {
				byte[] source = script.getScriptAsString().getBytes(StandardCharsets.UTF_8);
				answer = this.calls.await(commands.eval(source, ScriptOutputType.MULTI, keys, args), deadline,
						operation);
			}
			this.loadedScripts.add(script.getSha1());
			for (RedisFuture<?> other : others) {
				this.calls.await(other, deadline, operation);
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
	void send(RedisScript<?> script, String operation, byte[][] keys, byte[][] args,
			BiConsumer<@Nullable List<Object>, @Nullable Throwable> done) {
		String sha = script.getSha1();
		byte[] source = script.getScriptAsString().getBytes(StandardCharsets.UTF_8);
		this.calls.start();
		try (Lease lease = this.calls.lease(operation)) {
			RedisClusterAsyncCommands<byte[], byte[]> commands = lease.commands();
			CompletionStage<List<Object>> answer;
			if (this.loadedScripts.contains(sha)) {
				answer = commands.<List<Object>>evalsha(sha, ScriptOutputType.MULTI, keys, args)
					.exceptionallyCompose((ex) -> {
						if (CallFailures.unwrap(ex) instanceof RedisNoScriptException) {
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
				done.accept(elements, (ex != null) ? CallFailures.unwrap(ex) : null);
			});
		}
		catch (RuntimeException ex) {
			done.accept(null, ex);
		}
	}

}
