package dev.sessionstarter.store.memory;

import java.util.HashMap;
import java.util.Map;

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
	 * Return the footprint of every stored record, of every distinct attribute name and of the
	 * principal index, summed from scratch, checking the shared names' counts on the way.
	 */
	static long countedBytes(MemorySessionStore store) {
		Map<String, Integer> names = new HashMap<>();
		long bytes = 0;
		for (Object entry : sessions(store).values()) {
			SessionRecord record = record(entry);
			bytes += HeapFootprint.of(record);
			record.attributeNames().forEach((name) -> names.merge(name, 1, Integer::sum));
		}
		Map<String, Integer> principals = new HashMap<>();
		sessions(store).values().forEach((entry) -> {
			String principal = record(entry).principalName();
			if (principal != null) {
				principals.merge(principal, 1, Integer::sum);
			}
		});
		for (int sessions : principals.values()) {
			bytes += HeapFootprint.PRINCIPAL_ENTRY
					+ ((sessions > 1) ? HeapFootprint.PRINCIPAL_ID_SET + sessions * HeapFootprint.PRINCIPAL_ID : 0);
		}
		SharedNames shared = accounting(store).names;
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
	static void assertPrincipalIndexConsistent(MemorySessionStore store) {
		PrincipalIndex index = accounting(store).principals;
		long indexed = 0;
		for (String principal : index.principals()) {
			assertThat(index.ids(principal)).isNotEmpty();
			for (String id : index.ids(principal)) {
				SessionRecord record = store.find(id);
				assertThat(record).as("indexed session %s", id).isNotNull();
				assertThat(record.principalName()).isEqualTo(principal);
				indexed++;
			}
		}
		long withPrincipal = sessions(store).values()
			.stream()
			.filter((entry) -> record(entry).principalName() != null)
			.count();
		assertThat(indexed).isEqualTo(withPrincipal);
	}

	private static EntryAccounting accounting(MemorySessionStore store) {
		return (EntryAccounting) ReflectionTestUtils.getField(entries(store), "accounting");
	}

	@SuppressWarnings("unchecked")
	private static Map<String, Object> sessions(MemorySessionStore store) {
		return (Map<String, Object>) ReflectionTestUtils.getField(entries(store), "sessions");
	}

	private static Object entries(MemorySessionStore store) {
		return ReflectionTestUtils.getField(store, "entries");
	}

	private static SessionRecord record(Object entry) {
		return (SessionRecord) ReflectionTestUtils.getField(entry, "record");
	}

}
