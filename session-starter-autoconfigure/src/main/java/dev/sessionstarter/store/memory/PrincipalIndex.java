package dev.sessionstarter.store.memory;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The principal-name index of a {@link MemorySessionStore}: for each principal, the id of its
 * one session, or the set of ids once it has several (most users have one session, and a set
 * costs some 200 bytes more than an id). Its entries' bytes are part of the store's byte total.
 *
 * <p>{@link #add} and {@link #remove} are called by the store inside the atomic map operation
 * that changes the session; {@link #ids} may be called at any time.
 */
final class PrincipalIndex {

	private final ConcurrentHashMap<String, Object> principals = new ConcurrentHashMap<>();

	private final AtomicLong bytes;

	PrincipalIndex(AtomicLong bytes) {
		this.bytes = bytes;
	}

	void add(String principal, String id) {
		this.principals.compute(principal, (key, value) -> {
			if (value == null) {
				this.bytes.addAndGet(HeapFootprint.PRINCIPAL_ENTRY);
				return id;
			}
			if (value instanceof String single) {
				if (single.equals(id)) {
					return single;
				}
				Set<String> ids = ConcurrentHashMap.newKeySet();
				ids.add(single);
				ids.add(id);
				this.bytes.addAndGet(HeapFootprint.PRINCIPAL_ID_SET + 2 * HeapFootprint.PRINCIPAL_ID);
				return ids;
			}
			if (ids(value).add(id)) {
				this.bytes.addAndGet(HeapFootprint.PRINCIPAL_ID);
			}
			return value;
		});
	}

	void remove(String principal, String id) {
		this.principals.computeIfPresent(principal, (key, value) -> {
			if (value instanceof String single) {
				if (!single.equals(id)) {
					return single;
				}
				this.bytes.addAndGet(-HeapFootprint.PRINCIPAL_ENTRY);
				return null;
			}
			Set<String> ids = ids(value);
			if (!ids.remove(id)) {
				return ids;
			}
			this.bytes.addAndGet(-HeapFootprint.PRINCIPAL_ID);
			if (ids.size() > 1) {
				return ids;
			}
			this.bytes.addAndGet(-HeapFootprint.PRINCIPAL_ID_SET - HeapFootprint.PRINCIPAL_ID);
			return ids.iterator().next();
		});
	}

	/**
	 * Return the ids indexed under a principal.
	 * @param principal the principal name
	 * @return a snapshot of the ids, empty if none
	 */
	Collection<String> ids(String principal) {
		Object value = this.principals.get(principal);
		if (value == null) {
			return List.of();
		}
		return (value instanceof String single) ? List.of(single) : new ArrayList<>(ids(value));
	}

	/**
	 * Return the number of principals indexed, for tests.
	 */
	int size() {
		return this.principals.size();
	}

	/**
	 * Return the principals indexed, for tests.
	 */
	Set<String> principals() {
		return this.principals.keySet();
	}

	@SuppressWarnings("unchecked")
	private static Set<String> ids(Object value) {
		return (Set<String>) value;
	}

}
