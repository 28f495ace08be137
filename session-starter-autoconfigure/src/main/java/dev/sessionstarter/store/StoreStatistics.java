package dev.sessionstarter.store;

import java.time.Instant;

import org.jspecify.annotations.Nullable;

/**
 * A snapshot of a repository's counters since start, read by the meters and the endpoint.
 *
 * @param store the store type
 * @param usage what the store holds now
 * @param created sessions created
 * @param deleted sessions deleted explicitly
 * @param expired sessions removed because they expired (purge or access)
 * @param evicted sessions removed to stay within the size bound
 * @param purges purge runs
 * @param serializationFailures attribute values that could not be decoded
 * @param lastPurge when the last purge ran, or {@code null} if none has
 * @param quarantined unreadable stored sessions moved aside (see {@link SessionStore#quarantined()})
 * @param oversized saves refused because the session would be over {@code sessions.max-session-size}
 * @param fencedSaves saves refused because their request lock had been lost (see
 * {@link SessionStore#fencedSaves()})
 */
public record StoreStatistics(String store, StoreUsage usage, long created, long deleted, long expired,
		long evicted, long purges, long serializationFailures, @Nullable Instant lastPurge, long quarantined,
		long oversized, long fencedSaves) {

}
