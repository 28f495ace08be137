package dev.sessionstarter.benchmarks;

/**
 * The repositories the benchmarks compare; a JMH {@code @Param} walks these constants, so
 * every figure of one run is measured side by side.
 */
public enum Implementation {

	/** Our {@code memory} store ({@link MemoryStoreAdapter}). */
	MEMORY {
		@Override
		RepositoryAdapter<?> create() {
			return MemoryStoreAdapter.create(BENCHMARK_MAX_BYTES);
		}
	},

	/** Spring Session's {@code MapSessionRepository} ({@link MapRepositoryAdapter}). */
	MAP {
		@Override
		RepositoryAdapter<?> create() {
			return MapRepositoryAdapter.create();
		}
	};

	/**
	 * The memory store's bound in benchmarks: 1GB, far above what the benchmarks create (a few
	 * tens of MB at most), so no session is ever evicted and both repositories hold the same set.
	 */
	static final long BENCHMARK_MAX_BYTES = 1L << 30;

	/**
	 * Create a fresh, empty repository of this kind.
	 * @return its adapter
	 */
	abstract RepositoryAdapter<?> create();

}
