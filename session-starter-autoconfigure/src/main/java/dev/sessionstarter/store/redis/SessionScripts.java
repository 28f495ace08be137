package dev.sessionstarter.store.redis;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

import org.springframework.core.io.ClassPathResource;
import org.springframework.data.redis.core.script.RedisScript;

/**
 * The server-side scripts of the {@code redis} store and its lock manager, each touching the keys of one session
 * only (one cluster slot), run with {@link RedisCalls#script}. Their sources, with what each
 * takes and answers, are beside this class.
 */
final class SessionScripts {

	/**
	 * Merge a change into a session's hash, raise its version, set its time to live and answer
	 * the result; drop a change to a session that is gone unless it creates it.
	 */
	static final RedisScript<Object> SAVE = script("end-lock.lua", "save.lua");

	/**
	 * Write a change into a session's hash that is still at the version of the caller's copy, as
	 * the caller applied it ({@link CurrentSaves}); leave any other case to {@link #SAVE}.
	 */
	static final RedisScript<Object> SAVE_CURRENT = script("end-lock.lua", "save-current.lua");

	/**
	 * Take a session's request lock if it is free and answer the session's hash with it, else
	 * the lock's remaining lease.
	 */
	static final RedisScript<Object> LOCK = script("lock.lua");

	/**
	 * Renew a request lock's lease if its owner still holds it.
	 */
	static final RedisScript<Object> RENEW = script("renew.lua");

	/**
	 * Release a request lock if its owner still holds it, and publish its session id.
	 */
	static final RedisScript<Object> UNLOCK = script("unlock.lua");

	/**
	 * Remove a session's hash and answer what it held.
	 */
	static final RedisScript<Object> TAKE = script("take.lua");

	/**
	 * Remove a session's hash if it has expired and answer what it held, else its expiry.
	 */
	static final RedisScript<Object> TAKE_EXPIRED = script("take-expired.lua");

	private SessionScripts() {
	}

	/**
	 * Read a script's source and compute its SHA-1 once: a script made from a resource would
	 * check the resource (in a jar: the jar file) for changes on every call, and Spring's script
	 * of a string takes a lock and its source's monitor each time its SHA-1 is asked for (twice a
	 * call), which every thread calling it shares. A script of several sources is their text one
	 * after the other (Redis scripts cannot include one another: {@code end-lock.lua} defines a
	 * function the saves share), still one script and one call.
	 */
	private static RedisScript<Object> script(String... names) {
		StringBuilder source = new StringBuilder();
		for (String name : names) {
			try (InputStream in = new ClassPathResource(name, SessionScripts.class).getInputStream()) {
				source.append(new String(in.readAllBytes(), StandardCharsets.UTF_8));
			}
			catch (IOException ex) {
				throw new UncheckedIOException("Cannot read the script " + name, ex);
			}
		}
		String text = source.toString();
		return new FixedScript(text, RedisScript.of(text).getSha1());
	}

	/**
	 * A script whose source never changes, with its SHA-1.
	 * @param source the source
	 * @param sha1 its SHA-1, as Redis names it
	 */
	private record FixedScript(String source, String sha1) implements RedisScript<Object> {

		@Override
		public String getSha1() {
			return this.sha1;
		}

		@Override
		public Class<Object> getResultType() {
			return Object.class;
		}

		@Override
		public String getScriptAsString() {
			return this.source;
		}

	}

}
