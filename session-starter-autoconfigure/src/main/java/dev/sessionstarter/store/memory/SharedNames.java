package dev.sessionstarter.store.memory;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;
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
 * session's names are counted in and out exactly once; the counters are updated by
 * compare-and-set, the table only when a name first appears or its last session leaves. The
 * bytes of the table are part of the store's byte total.
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
		return record.withNames(shared);
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

	/**
	 * Count one more session in: a compare-and-set on the live counter of the name, or, for a
	 * new name (or one whose last session just left), a new counter in the table.
	 */
	private String countIn(String name) {
		Name shared = this.names.get(name);
		if (shared != null && shared.tryIncrement()) {
			return shared.name;
		}
		return this.names.compute(name, (key, current) -> {
			if (current != null && current.tryIncrement()) {
				return current;
			}
			this.bytes.addAndGet(HeapFootprint.sharedName(name));
			return new Name(name);
		}).name;
	}

	/**
	 * Count one session out; the last one out takes the name's bytes with it and removes it
	 * from the table, unless a new counter already replaced it there.
	 */
	private void countOut(String name) {
		Name shared = this.names.get(name);
		if (shared != null && shared.decrement() == 0) {
			this.bytes.addAndGet(-HeapFootprint.sharedName(shared.name));
			this.names.remove(name, shared);
		}
	}

	/**
	 * One shared name and the number of sessions that have it. A counter that reaches zero is
	 * dead: it is never counted up again, and a name that comes back gets a new counter.
	 */
	private static final class Name {

		private static final AtomicIntegerFieldUpdater<Name> SESSIONS = AtomicIntegerFieldUpdater
			.newUpdater(Name.class, "sessions");

		private final String name;

		private volatile int sessions = 1;

		Name(String name) {
			this.name = name;
		}

		boolean tryIncrement() {
			int current;
			do {
				current = this.sessions;
				if (current == 0) {
					return false;
				}
			}
			while (!SESSIONS.compareAndSet(this, current, current + 1));
			return true;
		}

		int decrement() {
			return SESSIONS.decrementAndGet(this);
		}

	}

}
