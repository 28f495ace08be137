package dev.sessionstarter.store;

import java.util.Arrays;
import java.util.Map;
import java.util.function.BiConsumer;

/**
 * The attribute changes one save of a {@link StoredSession} writes: its delta as it is when the
 * save starts (a change made meanwhile waits for the next save), held in two arrays the size of
 * the delta, so that a save of one changed attribute, the usual one, copies no map. After the
 * save, only the changes it wrote are taken out of the delta: a change is compared by identity
 * ({@link AttributeChange}), so the same value set again meanwhile stays.
 */
final class DeltaSnapshot implements BiConsumer<String, AttributeChange> {

	private String[] names;

	private AttributeChange[] changes;

	private int size;

	private DeltaSnapshot(int capacity) {
		this.names = new String[capacity];
		this.changes = new AttributeChange[capacity];
	}

	/**
	 * Take the changes a delta holds now.
	 * @param delta the session's delta, which other threads of the request may change meanwhile
	 * @return the snapshot
	 */
	static DeltaSnapshot of(Map<String, AttributeChange> delta) {
		DeltaSnapshot snapshot = new DeltaSnapshot(Math.max(1, delta.size()));
		delta.forEach(snapshot);
		return snapshot;
	}

	@Override
	public void accept(String name, AttributeChange change) {
		if (this.size == this.names.length) {
			// the delta grew while it was being taken
			this.names = Arrays.copyOf(this.names, this.size * 2);
			this.changes = Arrays.copyOf(this.changes, this.size * 2);
		}
		this.names[this.size] = name;
		this.changes[this.size++] = change;
	}

	int size() {
		return this.size;
	}

	String name(int index) {
		return this.names[index];
	}

	AttributeChange change(int index) {
		return this.changes[index];
	}

	boolean contains(String name) {
		for (int i = 0; i < this.size; i++) {
			if (this.names[i].equals(name)) {
				return true;
			}
		}
		return false;
	}

	/**
	 * Once the save wrote them: keep the values written as the session's decoded ones (a removal
	 * written removes one), and take the changes out of the delta, each unless it was set or
	 * removed again meanwhile: the delta's newer change then decides what is read, and its own
	 * save sets the decoded value.
	 * @param decoded the session's decoded values
	 * @param delta the session's delta
	 */
	void written(Map<String, Object> decoded, Map<String, AttributeChange> delta) {
		for (int i = 0; i < this.size; i++) {
			String name = this.names[i];
			AttributeChange change = this.changes[i];
			// decoded first, so that a reader never finds the name in neither map
			if (delta.get(name) == change) {
				if (change.value != null) {
					decoded.put(name, change.value);
				}
				else {
					decoded.remove(name);
				}
			}
			delta.remove(name, change);
		}
	}

	/**
	 * Take the changes of this snapshot out of the delta, each unless it was set again meanwhile.
	 * @param delta the session's delta
	 */
	void removeFrom(Map<String, AttributeChange> delta) {
		for (int i = 0; i < this.size; i++) {
			delta.remove(this.names[i], this.changes[i]);
		}
	}

}
