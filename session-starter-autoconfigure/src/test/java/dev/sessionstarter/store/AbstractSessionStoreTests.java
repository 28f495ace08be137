package dev.sessionstarter.store;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

import static dev.sessionstarter.store.TestSessionChanges.create;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Tests for {@link AbstractSessionStore}, over a map and an index that names too many ids.
 */
class AbstractSessionStoreTests {

	private final MapStore store = new MapStore();

	@Test
	void principalLookupKeepsOnlyIndexedSessionsThatStillNameThePrincipal() {
		this.store.put(record("a", "alice"));
		this.store.put(record("b", "bob"));
		this.store.indexed.put("alice", List.of("a", "b", "gone"));
		assertThat(this.store.findByPrincipalName("alice")).extracting(SessionRecord::id).containsExactly("a");
	}

	@Test
	void removalsReachTheListenerWithTheirCause() {
		List<String> removals = new ArrayList<>();
		this.store.setRemovalListener((record, cause) -> removals.add(record.id() + " " + cause));
		this.store.removed(record("a", null), RemovalCause.EVICTED);
		this.store.removed(record("b", null), RemovalCause.EXPIRED);
		assertThat(removals).containsExactly("a EVICTED", "b EXPIRED");
	}

	@Test
	void removalsBeforeAListenerIsSetGoNowhere() {
		this.store.removed(record("a", null), RemovalCause.EXPIRED);
	}

	@Test
	void aNullListenerIsRejected() {
		assertThatIllegalArgumentException().isThrownBy(() -> this.store.setRemovalListener(null))
			.withMessage("'listener' must not be null");
	}

	private static SessionRecord record(String id, @Nullable String principal) {
		SessionChange create = create(id);
		return SessionRecord.apply(null, new SessionChange(id, null, true, create.creationTime(),
				create.lastAccessedTime(), create.maxInactiveMillis(), true, principal, Map.of()));
	}

	private static final class MapStore extends AbstractSessionStore {

		final Map<String, SessionRecord> records = new HashMap<>();

		final Map<String, Collection<String>> indexed = new HashMap<>();

		void put(SessionRecord record) {
			this.records.put(record.id(), record);
		}

		@Override
		protected Collection<String> indexedIds(String principalName) {
			return this.indexed.getOrDefault(principalName, List.of());
		}

		@Override
		public String type() {
			return "map";
		}

		@Override
		public @Nullable SessionRecord find(String id) {
			return this.records.get(id);
		}

		@Override
		public @Nullable SessionRecord save(SessionChange change) {
			throw new UnsupportedOperationException();
		}

		@Override
		public @Nullable SessionRecord delete(String id) {
			return this.records.remove(id);
		}

		@Override
		public boolean deleteIfExpired(String id, Instant now) {
			return false;
		}

		@Override
		public int purgeExpired(Instant now) {
			return 0;
		}

		@Override
		public StoreUsage usage() {
			return new StoreUsage(this.records.size(), 0, -1);
		}

	}

}
