package dev.sessionstarter.store;

import org.jspecify.annotations.Nullable;

/**
 * One stored session held open by a cache for as long as it caches the session (see
 * {@link SessionStore#open(String)}), so that checking its copy and writing a change through
 * cost less than going to the store by id. The file store's handle is the session file mapped
 * into memory: a version check reads two numbers from it, a write copies the new record into
 * it.
 *
 * <p>A handle is not thread-safe: its user serializes every call, {@link #close()} included.
 * It stays usable when another process replaces or deletes what it holds; it then finds the
 * session again by its id.
 */
public interface SessionHandle extends AutoCloseable {

	/**
	 * Return the stored version of the session, as {@link SessionStore#version(String)} does.
	 * @return the version, or {@code null} if the session is no longer stored
	 */
	@Nullable Long version();

	/**
	 * Apply a change to the session, as {@link SessionStore#save(SessionChange)} does and under
	 * the same lock, given the caller's copy of the stored record: when the stored version is
	 * still the copy's, the copy is the base of the change and nothing is read or decoded.
	 * @param change a change to this session that neither creates nor renames it
	 * @param current the caller's copy of the stored record
	 * @return the stored result, or {@code null} if the session is no longer stored
	 */
	@Nullable SessionRecord save(SessionChange change, SessionRecord current);

	/**
	 * Release what the handle holds. Called once, when the session leaves the cache.
	 */
	@Override
	void close();

}
