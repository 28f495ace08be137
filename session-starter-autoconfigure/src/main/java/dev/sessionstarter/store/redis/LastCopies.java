package dev.sessionstarter.store.redis;

import org.jspecify.annotations.Nullable;

import dev.sessionstarter.store.SessionRecord;

/**
 * The last whole record of a session each thread found or saved without a request lock: the copy
 * its next save of the session asks Redis to apply the change to (a request finds and saves its
 * session on one thread). A stale one costs that save the whole session. Only a copy of at most
 * {@link #MAX_BYTES} of attributes is kept, so that the threads of a server hold a bounded amount
 * of memory between requests.
 */
final class LastCopies {

	/**
	 * The largest copy, in bytes of encoded attributes, that is kept.
	 */
	static final int MAX_BYTES = 16 * 1024;

	private final ThreadLocal<@Nullable SessionRecord> copy = new ThreadLocal<>();

	/**
	 * Return this thread's last copy.
	 * @return the copy, or {@code null}
	 */
	@Nullable SessionRecord get() {
		return this.copy.get();
	}

	/**
	 * Keep a record as this thread's last copy, unless it is too large.
	 * @param record the record, or {@code null} to forget the last copy
	 */
	void remember(@Nullable SessionRecord record) {
		if (record == null || attributeBytes(record) > MAX_BYTES) {
			this.copy.remove();
		}
		else {
			this.copy.set(record);
		}
	}

	static long attributeBytes(SessionRecord record) {
		long bytes = 0;
		for (int i = 0; i < record.attributeCount(); i++) {
			bytes += record.attributeValue(i).length;
		}
		return bytes;
	}

}
