package dev.sessionstarter.store.memory;

import java.util.HashMap;
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
	 * Return the footprint of every stored record and of every distinct attribute name, summed
	 * from scratch, checking the shared names' counts on the way.
	 */
	static long countedBytes(MemorySessionStore store) {
		Map<String, Integer> names = new HashMap<>();
		long bytes = 0;
		for (Object entry : sessions(store).values()) {
			SessionRecord record = record(entry);
			bytes += HeapFootprint.of(record);
			record.attributeNames().forEach((name) -> names.merge(name, 1, Integer::sum));
		}
		SharedNames shared = (SharedNames) ReflectionTestUtils.getField(store, "names");
		assertThat(shared.size()).as("distinct attribute names").isEqualTo(names.size());
		for (Map.Entry<String, Integer> name : names.entrySet()) {
			assertThat(shared.sessionsWith(name.getKey())).as("sessions with %s", name.getKey())
				.isEqualTo(name.getValue());
			bytes += HeapFootprint.sharedName(name.getKey());
		}
		return bytes;
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
