package dev.sessionstarter.store.redis;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.lettuce.core.RedisFuture;

import dev.sessionstarter.store.SessionRecord;
import dev.sessionstarter.store.StoreUsage;

/**
 * What the {@link RedisSessionStore} reads through its indexes: the sessions of a principal and
 * the number of sessions.
 */
final class IndexReads {

	private final RedisCalls calls;

	private final RedisKeys keys;

	IndexReads(RedisCalls calls, RedisKeys keys) {
		this.calls = calls;
		this.keys = keys;
	}

	/**
	 * Return the sessions of a principal; ids of sessions that are gone are removed from its
	 * index.
	 * @param principalName the principal name
	 * @return the sessions
	 */
	Collection<SessionRecord> findByPrincipalName(String principalName) {
		byte[] indexKey = this.keys.principal(principalName);
		Set<byte[]> members = this.calls.call("find-by-principal", (commands) -> commands.smembers(indexKey));
		List<String> ids = new ArrayList<>(members.size());
		members.forEach((member) -> ids.add(SessionHash.string(member)));
		List<Map<byte[], byte[]>> hashes = this.calls.callAll("find-by-principal", (commands) -> {
			List<RedisFuture<Map<byte[], byte[]>>> futures = new ArrayList<>(ids.size());
			ids.forEach((id) -> futures.add(commands.hgetall(this.keys.session(id))));
			return futures;
		});
		List<SessionRecord> records = new ArrayList<>(ids.size());
		List<byte[]> gone = new ArrayList<>();
		for (int i = 0; i < ids.size(); i++) {
			Map<byte[], byte[]> hash = hashes.get(i);
			SessionRecord record = (hash != null && !hash.isEmpty()) ? SessionHash.read(ids.get(i), hash) : null;
			if (record == null) {
				gone.add(SessionHash.bytes(ids.get(i)));
			}
			else if (principalName.equals(record.principalName())) {
				records.add(record);
			}
		}
		if (!gone.isEmpty()) {
			this.calls.call("find-by-principal", (commands) -> commands.srem(indexKey, gone.toArray(new byte[0][])));
		}
		return records;
	}

	/**
	 * Return the number of sessions the expiry index lists.
	 * @return the usage, without bytes
	 */
	StoreUsage usage() {
		List<Long> counts = this.calls.callAll("usage", (commands) -> {
			List<RedisFuture<Long>> futures = new ArrayList<>(RedisKeys.EXPIRY_BUCKETS);
			for (byte[] bucket : this.keys.expiryBuckets()) {
				futures.add(commands.zcard(bucket));
			}
			return futures;
		});
		long sessions = 0;
		for (Long count : counts) {
			sessions += (count != null) ? count : 0;
		}
		return new StoreUsage(sessions, -1, -1);
	}

}
