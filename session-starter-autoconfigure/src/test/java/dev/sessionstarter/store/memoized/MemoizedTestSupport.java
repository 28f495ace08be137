package dev.sessionstarter.store.memoized;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.springframework.test.util.ReflectionTestUtils;

import dev.sessionstarter.lock.SessionLock;
import dev.sessionstarter.lock.SessionLockManager;
import dev.sessionstarter.store.file.FileSessionStore;
import dev.sessionstarter.store.memory.MemorySessionStore;

/**
 * Looks inside a memoized store's cache, and at the locks it holds, in tests.
 */
final class MemoizedTestSupport {

	private MemoizedTestSupport() {
	}

	/**
	 * Return the ids a memory store holds now.
	 */
	static List<String> ids(MemorySessionStore store) {
		Map<?, ?> sessions = (Map<?, ?>) ReflectionTestUtils.getField(ReflectionTestUtils.getField(store, "entries"),
				"sessions");
		return sessions.keySet().stream().map(String.class::cast).toList();
	}

	/**
	 * Whether another holder has the lock on an id now: a lock that cannot be had at once.
	 */
	static boolean isLocked(SessionLockManager locks, String id) {
		try {
			SessionLock lock = locks.tryLock(id, Duration.ZERO);
			if (lock == null) {
				return true;
			}
			lock.release();
			return false;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	/**
	 * Return how many session files a file store has mapped now.
	 */
	static int mappings(FileSessionStore store) {
		return (Integer) ReflectionTestUtils.invokeMethod(store, "mappings");
	}

}
