package dev.sessionstarter.store.memory;

import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
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

	/**
	 * Check that the eviction order links every stored entry once, in the list its principal
	 * names, and nothing else, and that each entry's footprint is its record's.
	 */
	static void assertOrderConsistent(MemorySessionStore store) {
		AccessOrder order = accounting(store).order;
		Set<Object> linked = Collections.newSetFromMap(new IdentityHashMap<>());
		for (String list : new String[] { "anonymous", "principals" }) {
			Object head = ReflectionTestUtils.getField(order, list);
			Object node = ReflectionTestUtils.getField(head, "next");
			Object previous = head;
			while (node != head) {
				assertThat(ReflectionTestUtils.getField(node, "prev")).as("link back").isSameAs(previous);
				assertThat(linked.add(node)).as("linked once").isTrue();
				assertThat(record(node).principalName() != null).as("in the %s list", list)
					.isEqualTo(list.equals("principals"));
				previous = node;
				node = ReflectionTestUtils.getField(node, "next");
			}
		}
		Set<Object> stored = Collections.newSetFromMap(new IdentityHashMap<>());
		stored.addAll(sessions(store).values());
		assertThat(linked).as("linked entries").isEqualTo(stored);
		assertThat(ReflectionTestUtils.getField(order, "size")).isEqualTo(stored.size());
		for (Object entry : stored) {
			assertThat(ReflectionTestUtils.getField(entry, "footprint")).isEqualTo(HeapFootprint.of(record(entry)));
		}
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
