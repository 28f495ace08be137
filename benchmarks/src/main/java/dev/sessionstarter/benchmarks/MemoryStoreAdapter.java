package dev.sessionstarter.benchmarks;

import java.time.Clock;
import java.util.List;

import dev.sessionstarter.serialization.JavaSessionSerializer;
import dev.sessionstarter.store.StoreSessionRepository;
import dev.sessionstarter.store.StoredSession;
import dev.sessionstarter.store.memory.MemorySessionStore;

/**
 * Our {@code memory} store as {@code sessions.store=memory} configures it: a
 * {@link StoreSessionRepository} over a {@link MemorySessionStore} with the JDK serializer, its
 * bound set high enough that nothing is evicted during a benchmark.
 */
final class MemoryStoreAdapter extends RepositoryAdapter<StoredSession> {

	private final MemorySessionStore store;

	private MemoryStoreAdapter(MemorySessionStore store) {
		super(new StoreSessionRepository(store, new JavaSessionSerializer(List.of(), null)));
		this.store = store;
	}

	/**
	 * Create the adapter.
	 * @param maxBytes the store's bound in bytes
	 * @return the adapter
	 */
	static MemoryStoreAdapter create(long maxBytes) {
		return new MemoryStoreAdapter(new MemorySessionStore(maxBytes, 0.75, Clock.systemUTC()));
	}

	@Override
	public long size() {
		return this.store.usage().sessions();
	}

}
