package dev.sessionstarter.daemon.client;

import java.util.Iterator;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import org.jspecify.annotations.Nullable;

import dev.sessionstarter.store.SessionRecord;

/**
 * The last copy this process read or saved of each session, bounded in bytes: the lock call
 * sends its version ({@code LOCK_FIND_SINCE}, protocol version 5), and the daemon answers
 * without the session when that copy is current, which saves sending and reading it again (and,
 * as a copy is a record the repository decoded already, decoding it again). A copy is only used
 * once the daemon said it is at the stored version, so a stale or missing one costs nothing but
 * the session sent in full. Records are immutable, so a copy may serve any number of requests.
 *
 * <p>A session whose attributes take more than {@link #MAX_COPY_BYTES} is not kept; when the
 * copies would take more than their bound, copies are dropped (in no particular order) until
 * they fit. Thread-safe.
 */
final class DaemonSessionCopies {

	/**
	 * The largest copy kept, in bytes of encoded attribute values.
	 */
	static final int MAX_COPY_BYTES = 16 * 1024;

	/**
	 * The default bound of all copies, in estimated bytes.
	 */
	static final long DEFAULT_MAX_BYTES = 4L * 1024 * 1024;

	/**
	 * What a copy is counted beyond its attribute values: the record, its arrays and id, the
	 * map entry.
	 */
	private static final int OVERHEAD_BYTES = 256;

	private final ConcurrentHashMap<String, SessionRecord> copies = new ConcurrentHashMap<>();

	private final AtomicLong bytes = new AtomicLong();

	private final long maxBytes;

	DaemonSessionCopies(long maxBytes) {
		this.maxBytes = maxBytes;
	}

	/**
	 * Return the copy of a session, if one is kept.
	 * @param id the session id
	 * @return the copy, or {@code null}
	 */
	@Nullable SessionRecord get(String id) {
		return this.copies.get(id);
	}

	/**
	 * Keep a record as the copy of its session, in place of an older one; or forget the session
	 * when it is too large to keep.
	 * @param record the record, as the daemon has it
	 */
	void keep(SessionRecord record) {
		long size = size(record);
		if (size - OVERHEAD_BYTES > MAX_COPY_BYTES || size > this.maxBytes) {
			forget(record.id());
			return;
		}
		SessionRecord previous = this.copies.put(record.id(), record);
		this.bytes.addAndGet(size - ((previous != null) ? size(previous) : 0));
		if (this.bytes.get() > this.maxBytes) {
			trim();
		}
	}

	/**
	 * Forget the copy of a session.
	 * @param id the session id
	 */
	void forget(String id) {
		SessionRecord removed = this.copies.remove(id);
		if (removed != null) {
			this.bytes.addAndGet(-size(removed));
		}
	}

	private void trim() {
		Iterator<SessionRecord> iterator = this.copies.values().iterator();
		while (this.bytes.get() > this.maxBytes && iterator.hasNext()) {
			SessionRecord record = iterator.next();
			if (this.copies.remove(record.id(), record)) {
				this.bytes.addAndGet(-size(record));
			}
		}
	}

	/**
	 * Return how many copies are kept.
	 * @return the number
	 */
	int size() {
		return this.copies.size();
	}

	/**
	 * Return the estimated bytes the copies take.
	 * @return the bytes
	 */
	long bytes() {
		return this.bytes.get();
	}

	private static long size(SessionRecord record) {
		long size = OVERHEAD_BYTES + 2L * record.id().length();
		for (int i = 0; i < record.attributeCount(); i++) {
			size += 2L * record.attributeName(i).length() + record.attributeValue(i).length;
		}
		return size;
	}

}
