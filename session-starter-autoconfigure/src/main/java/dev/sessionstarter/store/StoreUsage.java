package dev.sessionstarter.store;

/**
 * How much a store holds right now.
 *
 * @param sessions the number of stored sessions, or {@code -1} if the store cannot count them
 * (a foreign repository)
 * @param bytes the bytes they take, as the store counts them (heap for memory, disk for file),
 * or {@code -1} if unknown
 * @param maxBytes the store's bound in bytes, or {@code -1} when it has none
 */
public record StoreUsage(long sessions, long bytes, long maxBytes) {

	/**
	 * Usage of an empty, unbounded store.
	 */
	public static final StoreUsage EMPTY = new StoreUsage(0, 0, -1);

}
