package dev.sessionstarter.store.redis;

import java.util.List;
import java.util.function.Function;
import java.util.function.Supplier;

import io.lettuce.core.RedisFuture;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import org.jspecify.annotations.Nullable;

/**
 * The script calls of one save: the script for a current copy ({@link SessionScripts#SAVE_CURRENT})
 * when the caller has one, and the merging script ({@link SessionScripts#SAVE}) when it has none or
 * that script leaves the save to it ({@link CurrentSaves#STALE}); each call answers as its script
 * does. Called again as it is while another instance retains the lock ({@link RetainedLockWait}),
 * by the merging script only once the session was found at another version than the copy.
 */
final class SaveCalls implements Supplier<List<Object>> {

	private final ScriptCalls scripts;

	private final byte[][] keys;

	private byte @Nullable [][] currentArguments;

	private final Supplier<byte[][]> mergeArguments;

	private final @Nullable Function<RedisClusterAsyncCommands<byte[], byte[]>, List<? extends RedisFuture<?>>> alongside;

	/**
	 * Create the calls of a save.
	 * @param scripts the script calls
	 * @param keys the keys of both scripts
	 * @param currentArguments the arguments of the script for a current copy, or {@code null} to
	 * call the merging script only
	 * @param mergeArguments makes the arguments of the merging script, when it is called
	 * @param alongside issues commands pipelined with the merging script, or {@code null} for none
	 */
	SaveCalls(ScriptCalls scripts, byte[][] keys, byte @Nullable [][] currentArguments,
			Supplier<byte[][]> mergeArguments,
			@Nullable Function<RedisClusterAsyncCommands<byte[], byte[]>, List<? extends RedisFuture<?>>> alongside) {
		this.scripts = scripts;
		this.keys = keys;
		this.currentArguments = currentArguments;
		this.mergeArguments = mergeArguments;
		this.alongside = alongside;
	}

	@Override
	public List<Object> get() {
		byte[][] current = this.currentArguments;
		if (current != null) {
			List<Object> answer = this.scripts.script(SessionScripts.SAVE_CURRENT, "save", this.keys, current);
			if (!isCode(answer, CurrentSaves.STALE)) {
				return answer;
			}
			this.currentArguments = null;
		}
		byte[][] arguments = this.mergeArguments.get();
		return (this.alongside != null)
				? this.scripts.script(SessionScripts.SAVE, "save", this.keys, arguments, this.alongside)
				: this.scripts.script(SessionScripts.SAVE, "save", this.keys, arguments);
	}

	/**
	 * Whether a script answered a code alone.
	 * @param answer the answer
	 * @param code the code
	 * @return {@code true} if the answer is that code and nothing else
	 */
	static boolean isCode(List<Object> answer, long code) {
		return answer.size() == 1 && answer.get(0) instanceof Long value && value == code;
	}

}
