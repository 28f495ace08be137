package dev.sessionstarter.store;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

import org.springframework.util.Assert;

/**
 * What a {@link SessionStore} that keeps its own records and a principal index shares with
 * every other such store: the {@link RemovalListener} and the one way removals reach it, and
 * the principal lookup over an index that may name too many sessions, never too few.
 *
 * <p>Subclasses report each session they remove by themselves through
 * {@link #removed(SessionRecord, RemovalCause)}, after the removal and outside their locks,
 * and answer {@link #indexedIds(String)}; {@link #findByPrincipalName(String)} confirms each
 * indexed id against the stored record.
 */
public abstract class AbstractSessionStore implements SessionStore {

	private volatile RemovalListener removalListener = RemovalListener.NONE;

	/**
	 * Return the ids indexed under a principal name; the index may still name a session that
	 * no longer has that principal (or no longer exists), but must name every one that does.
	 * @param principalName the principal name
	 * @return the ids, a snapshot the caller may iterate while the store changes
	 */
	protected abstract Collection<String> indexedIds(String principalName);

	/**
	 * Find the sessions indexed under a principal name, each read by {@link #find(String)} and
	 * kept only if it still names that principal.
	 * @param principalName the principal name
	 * @return the records, expired ones included
	 */
	@Override
	public Collection<SessionRecord> findByPrincipalName(String principalName) {
		Collection<String> ids = indexedIds(principalName);
		List<SessionRecord> records = new ArrayList<>(ids.size());
		for (String id : ids) {
			SessionRecord record = find(id);
			if (record != null && principalName.equals(record.principalName())) {
				records.add(record);
			}
		}
		return records;
	}

	@Override
	public final void setRemovalListener(RemovalListener listener) {
		Assert.notNull(listener, "'listener' must not be null");
		this.removalListener = listener;
	}

	/**
	 * Report a session this store removed by itself to the {@link RemovalListener}; called once
	 * per removed session, after the removal, and never while holding one of the store's locks
	 * (the listener may call the store back).
	 * @param record the session as it was stored
	 * @param cause why it was removed
	 */
	protected final void removed(SessionRecord record, RemovalCause cause) {
		this.removalListener.removed(record, cause);
	}

}
