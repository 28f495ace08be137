package dev.sessionstarter.store.redis;

import java.nio.charset.StandardCharsets;

import org.springframework.util.Assert;

/**
 * The keys the {@code redis} store and its lock manager write under a namespace. Every
 * key of one session carries the session id as its hash tag ({@code {<id>}}), so that a
 * session's keys live in one Redis Cluster slot and one script may touch them all; the indexes,
 * which list many sessions, are keys of their own that no script touches together with a
 * session's.
 *
 * <table>
 * <caption>Keys</caption>
 * <tr><td>{@code <namespace>:{<id>}}</td><td>the session's hash</td></tr>
 * <tr><td>{@code <namespace>:lock:{<id>}}</td><td>the session's request lock: its owner's token,
 * expiring at the end of its lease</td></tr>
 * <tr><td>{@code <namespace>:lock-waiters:{<id>}}</td><td>set while an instance waits for the session's
 * request lock, so that its release is published only then; expiring when the waiter would look
 * again by itself</td></tr>
 * <tr><td>{@code <namespace>:lock-requests:<instance>}</td><td>a channel: the ids of the
 * sessions whose lock an instance retains that others want ({@code sessions.redis.lock-retain})</td></tr>
 * <tr><td>{@code <namespace>:lock-releases:ping:<id>}</td><td>a channel: an instance's pings of its own
 * subscription ({@link SubscriptionLiveness})</td></tr>
 * <tr><td>{@code <namespace>:principal:{<name>}}</td><td>a set of the ids of a user's sessions</td></tr>
 * <tr><td>{@code <namespace>:expiry:{<n>}}</td><td>one of {@value #EXPIRY_BUCKETS} sorted sets
 * of session ids scored by their expiry time in epoch milliseconds</td></tr>
 * </table>
 */
public final class RedisKeys {

	/**
	 * The number of sorted sets the expiry index is spread over, so that it spreads over the
	 * masters of a cluster too.
	 */
	public static final int EXPIRY_BUCKETS = 16;

	private final String namespace;

	private final byte[][] expiryBuckets = new byte[EXPIRY_BUCKETS][];

	private final byte[] sessionPrefix;

	private final byte[] lockPrefix;

	private final byte[] lockWaitersPrefix;

	private final byte[] lockReleases;

	private final byte[] lockRequestsPrefix;

	/**
	 * Create the keys of a namespace.
	 * @param namespace the prefix of every key, such as {@code sessions}
	 */
	public RedisKeys(String namespace) {
		Assert.hasText(namespace, "'namespace' must not be empty");
		Assert.isTrue(namespace.indexOf('{') < 0 && namespace.indexOf('}') < 0,
				"'namespace' must not contain '{' or '}'");
		this.namespace = namespace;
		this.sessionPrefix = bytes(namespace + ":{");
		this.lockPrefix = bytes(namespace + ":lock:{");
		this.lockWaitersPrefix = bytes(namespace + ":lock-waiters:{");
		this.lockReleases = bytes(namespace + ":lock-releases");
		this.lockRequestsPrefix = bytes(namespace + ":lock-requests:");
		for (int i = 0; i < EXPIRY_BUCKETS; i++) {
			this.expiryBuckets[i] = bytes(namespace + ":expiry:{" + i + "}");
		}
	}

	/**
	 * Return the namespace.
	 * @return the prefix of every key
	 */
	public String namespace() {
		return this.namespace;
	}

	/**
	 * Return the key of a session's hash.
	 * @param id the session id
	 * @return the key
	 */
	public byte[] session(String id) {
		return tagged(this.sessionPrefix, id);
	}

	/**
	 * Return the key of a session's request lock, in the cluster slot of the session's hash.
	 * @param id the session id
	 * @return the key
	 */
	public byte[] lock(String id) {
		return tagged(this.lockPrefix, id);
	}

	/**
	 * Return the channel the ids of released request locks are published on.
	 * @return the channel; callers must not modify it
	 */
	public byte[] lockReleases() {
		return this.lockReleases;
	}

	/**
	 * Return the prefix of the channels on which instances that retain request locks take
	 * requests to release them: an instance's channel is the prefix and its id
	 * ({@link #lockRequests(String)}).
	 * @return the prefix; callers must not modify it
	 */
	public byte[] lockRequestsPrefix() {
		return this.lockRequestsPrefix;
	}

	/**
	 * Return the channel on which an instance that retains request locks takes the ids of the
	 * sessions other instances want the lock of.
	 * @param instance the instance id, hexadecimal
	 * @return the channel
	 */
	public byte[] lockRequests(String instance) {
		return bytes(this.namespace + ":lock-requests:" + instance);
	}

	/**
	 * Return the key of the set of a principal's session ids.
	 * @param principalName the principal name
	 * @return the key
	 */
	public byte[] principal(String principalName) {
		return bytes(this.namespace + ":principal:{" + principalName + "}");
	}

	/**
	 * Return the key of the expiry bucket that lists a session.
	 * @param id the session id
	 * @return the key
	 */
	public byte[] expiryBucket(String id) {
		return this.expiryBuckets[Math.floorMod(id.hashCode(), EXPIRY_BUCKETS)];
	}

	/**
	 * Return the keys of every expiry bucket.
	 * @return the keys; callers must not modify them
	 */
	public byte[][] expiryBuckets() {
		return this.expiryBuckets;
	}

	/**
	 * Return the key that marks that an instance waits for a session's request lock, in the
	 * cluster slot of the session's hash: a release publishes the session id only while it is set.
	 * @param id the session id
	 * @return the key
	 */
	public byte[] lockWaiters(String id) {
		return tagged(this.lockWaitersPrefix, id);
	}

	// the same keys, given the session id encoded (UTF-8), for a save that encodes it once

	byte[] lockWaiters(byte[] id) {
		return tagged(this.lockWaitersPrefix, id);
	}

	byte[] session(byte[] id) {
		return tagged(this.sessionPrefix, id);
	}

	byte[] lock(byte[] id) {
		return tagged(this.lockPrefix, id);
	}

	private static byte[] tagged(byte[] prefix, String id) {
		return tagged(prefix, bytes(id));
	}

	/**
	 * Return a prefix, an id and the closing brace of its hash tag, encoded in one array (no
	 * string made for the key).
	 */
	private static byte[] tagged(byte[] prefix, byte[] idBytes) {
		byte[] key = new byte[prefix.length + idBytes.length + 1];
		System.arraycopy(prefix, 0, key, 0, prefix.length);
		System.arraycopy(idBytes, 0, key, prefix.length, idBytes.length);
		key[key.length - 1] = '}';
		return key;
	}

	static byte[] bytes(String text) {
		return text.getBytes(StandardCharsets.UTF_8);
	}

}
