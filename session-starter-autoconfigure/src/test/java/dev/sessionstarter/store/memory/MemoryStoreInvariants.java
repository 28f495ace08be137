package dev.sessionstarter.store.memory;

import java.util.Map;
import java.util.Set;

import org.springframework.test.util.ReflectionTestUtils;

import dev.sessionstarter.store.SessionRecord;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Reads a {@link MemorySessionStore}'s internals to check the invariants its tests rely on.
 */
final class MemoryStoreInvariants {

	private MemoryStoreInvariants() {
	}

	/**
	 * Return the footprint of every stored record, summed from scratch.
	 */
	static long countedBytes(MemorySessionStore store) {
		return sessions(store).values().stream().mapToLong((entry) -> HeapFootprint.of(record(entry))).sum();
	}

	/**
	 * Check that the principal index names exactly the stored sessions that have a principal.
	 */
	@SuppressWarnings("unchecked")
	static void assertPrincipalIndexConsistent(MemorySessionStore store) {
		Map<String, Set<String>> principals = (Map<String, Set<String>>) ReflectionTestUtils.getField(store,
				"principals");
		long indexed = 0;
		for (Map.Entry<String, Set<String>> principal : principals.entrySet()) {
			assertThat(principal.getValue()).isNotEmpty();
			for (String id : principal.getValue()) {
				SessionRecord record = store.find(id);
				assertThat(record).as("indexed session %s", id).isNotNull();
				assertThat(record.principalName()).isEqualTo(principal.getKey());
				indexed++;
			}
		}
		long withPrincipal = sessions(store).values()
			.stream()
			.filter((entry) -> record(entry).principalName() != null)
			.count();
		assertThat(indexed).isEqualTo(withPrincipal);
	}

	@SuppressWarnings("unchecked")
	private static Map<String, Object> sessions(MemorySessionStore store) {
		return (Map<String, Object>) ReflectionTestUtils.getField(store, "sessions");
	}

	private static SessionRecord record(Object entry) {
		return (SessionRecord) ReflectionTestUtils.getField(entry, "record");
	}

}
