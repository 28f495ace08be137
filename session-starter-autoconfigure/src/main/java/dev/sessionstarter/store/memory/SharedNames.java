package dev.sessionstarter.store.memory;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import org.jspecify.annotations.Nullable;

import dev.sessionstarter.store.SessionRecord;

/**
 * The attribute names of a {@link MemorySessionStore}: one string per distinct name, shared by
 * every stored session that has an attribute of that name, with the number of such sessions.
 * Most sessions of an application use the same few names, so holding and counting each name
 * once keeps the store's byte total equal to what it retains, where counting a name per session
 * would count many times over what sharing one string costs.
 *
 * <p>Called by the store inside the atomic map operation that changes a session, so a
 * session's names are counted in and out exactly once; the bytes of the table are part of the
 * store's byte total.
 */
final class SharedNames {

	private final ConcurrentHashMap<String, Name> names = new ConcurrentHashMap<>();

	private final AtomicLong bytes;

	SharedNames(AtomicLong bytes) {
		this.bytes = bytes;
	}

	/**
	 * Count a session's names in and return its record holding the shared strings.
	 * @param record the record about to be stored
	 * @param current the record it replaces, whose names are already counted, or {@code null}
	 * @return {@code record}, or a copy of it whose names are the shared strings
	 */
	SessionRecord share(SessionRecord record, @Nullable SessionRecord current) {
		String[] shared = null;
		int count = record.attributeCount();
		for (int i = 0; i < count; i++) {
			String name = record.attributeName(i);
			String canonical = (current != null && current.attribute(name) != null) ? existing(name) : countIn(name);
			if (canonical != name) {
				if (shared == null) {
					shared = new String[count];
					for (int j = 0; j < i; j++) {
						shared[j] = record.attributeName(j);
					}
				}
			}
			if (shared != null) {
				shared[i] = canonical;
			}
		}
		if (shared == null) {
			return record;
		}
		byte[][] values = new byte[count][];
		for (int i = 0; i < count; i++) {
			values[i] = record.attributeValue(i);
		}
		return new SessionRecord(record.id(), record.creationTime(), record.lastAccessedTime(),
				record.maxInactiveMillis(), record.principalName(), shared, values, record.version());
	}

	/**
	 * Count out the names a session no longer has.
	 * @param before the record that leaves the store or is replaced
	 * @param after the record that replaces it, or {@code null} when the session leaves
	 */
	void release(SessionRecord before, @Nullable SessionRecord after) {
		for (int i = 0; i < before.attributeCount(); i++) {
			String name = before.attributeName(i);
			if (after == null || after.attribute(name) == null) {
				countOut(name);
			}
		}
	}

	/**
	 * Return the number of distinct names held, for tests.
	 */
	int size() {
		return this.names.size();
	}

	/**
	 * Return how many sessions have an attribute of a name, for tests.
	 */
	int sessionsWith(String name) {
		Name shared = this.names.get(name);
		return (shared != null) ? shared.sessions : 0;
	}

	private String existing(String name) {
		Name shared = this.names.get(name);
		return (shared != null) ? shared.name : countIn(name);
	}

	private String countIn(String name) {
		return this.names.compute(name, (key, shared) -> {
			if (shared == null) {
				this.bytes.addAndGet(HeapFootprint.sharedName(name));
				shared = new Name(name);
			}
			shared.sessions++;
			return shared;
		}).name;
	}

	private void countOut(String name) {
		this.names.computeIfPresent(name, (key, shared) -> {
			if (--shared.sessions > 0) {
				return shared;
			}
			this.bytes.addAndGet(-HeapFootprint.sharedName(shared.name));
			return null;
		});
	}

	/**
	 * One shared name and the number of sessions that have it; changed only inside the
	 * table's atomic operations for its key.
	 */
	private static final class Name {

		private final String name;

		private int sessions;

		Name(String name) {
			this.name = name;
		}

	}

}
