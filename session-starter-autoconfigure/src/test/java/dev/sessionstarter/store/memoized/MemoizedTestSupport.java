package dev.sessionstarter.store.memoized;

import java.util.List;
import java.util.Map;

import org.springframework.test.util.ReflectionTestUtils;

import dev.sessionstarter.store.file.FileSessionStore;
import dev.sessionstarter.store.memory.MemorySessionStore;

/**
 * Looks inside a memoized store's cache in tests.
 */
final class MemoizedTestSupport {

	private MemoizedTestSupport() {
	}

	/**
	 * Return the ids a memory store holds now.
	 */
	static List<String> ids(MemorySessionStore store) {
		Map<?, ?> sessions = (Map<?, ?>) ReflectionTestUtils.getField(store, "sessions");
		return sessions.keySet().stream().map(String.class::cast).toList();
	}

	/**
	 * Return how many session files a file store has mapped now.
	 */
	static int mappings(FileSessionStore store) {
		return (Integer) ReflectionTestUtils.invokeMethod(store, "mappings");
	}

}
