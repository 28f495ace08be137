package dev.sessionstarter.daemon.client;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The notices that a lock is wanted ({@code WANTED}) which came for a token whose save's answer
 * has not been read yet, so that the lock the answer retains is wanted from the start. A notice
 * older than half the retention is dropped: a save sent before it came is not trusted by then
 * anyway. Not thread-safe: {@link DaemonRetainedLocks} guards it.
 */
final class EarlyNotices {

	static final int MAX = 1024;

	/**
	 * Token to when its notice came, a {@link System#nanoTime()} value, oldest first.
	 */
	private final Map<Long, Long> notices = new LinkedHashMap<>();

	private final long keepNanos;

	EarlyNotices(long keepNanos) {
		this.keepNanos = keepNanos;
	}

	/**
	 * Keep a notice.
	 * @param token the token
	 * @return {@code false} if too many were kept within the time: all of them are dropped then,
	 * and the caller must trust no save in flight
	 */
	boolean add(long token) {
		long now = System.nanoTime();
		if (this.notices.size() >= MAX) {
			Iterator<Long> arrivals = this.notices.values().iterator();
			while (arrivals.hasNext() && now - arrivals.next() > this.keepNanos) {
				arrivals.remove();
			}
		}
		boolean room = this.notices.size() < MAX;
		if (!room) {
			this.notices.clear();
		}
		this.notices.put(token, now);
		return room;
	}

	/**
	 * Take the notice of a token.
	 * @param token the token
	 * @return whether there was one
	 */
	boolean remove(long token) {
		return this.notices.remove(token) != null;
	}

}
