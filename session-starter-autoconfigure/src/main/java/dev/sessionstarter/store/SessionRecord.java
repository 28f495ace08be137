package dev.sessionstarter.store;

import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

import org.jspecify.annotations.Nullable;

import org.springframework.util.Assert;

/**
 * An immutable stored session: its id, times, principal name and attribute values in their
 * serialized form. Every store keeps (or writes) exactly this, and {@link #apply} is the one
 * place where a {@link SessionChange} is merged into what is stored.
 *
 * <p>Times are epoch milliseconds; a negative {@link #maxInactiveMillis()} means the session
 * never expires. The {@link #version()} grows by one with every applied change, so a cached
 * copy can tell whether it is current.
 */
public final class SessionRecord {

	private final String id;

	private final long creationTime;

	private final long lastAccessedTime;

	private final long maxInactiveMillis;

	private final @Nullable String principalName;

	private final String[] names;

	private final byte[][] values;

	private final long version;

	/**
	 * Not part of the record's value: a memo of the decoder (a repository's serializer) that has
	 * decoded every value of this record, or of the record it was {@linkplain #apply applied}
	 * to, so a record a cache hands out again need not be decoded again.
	 */
	private @Nullable Object decodedBy;

	/**
	 * Create a record. The arrays are kept, not copied: callers hand over ownership.
	 * @param id the session id
	 * @param creationTime creation time, epoch millis
	 * @param lastAccessedTime last access time, epoch millis
	 * @param maxInactiveMillis the inactivity timeout in millis, negative for never
	 * @param principalName the principal name the session is indexed under, if any
	 * @param names attribute names
	 * @param values serialized attribute values, index-aligned with {@code names}
	 * @param version the record version
	 */
	public SessionRecord(String id, long creationTime, long lastAccessedTime, long maxInactiveMillis,
			@Nullable String principalName, String[] names, byte[][] values, long version) {
		this(id, creationTime, lastAccessedTime, maxInactiveMillis, principalName, names, values, version, null);
	}

	/** Create a record that carries over a {@linkplain #isDecodedBy decoder mark}. */
	SessionRecord(String id, long creationTime, long lastAccessedTime, long maxInactiveMillis,
			@Nullable String principalName, String[] names, byte[][] values, long version,
			@Nullable Object decodedBy) {
		Assert.hasLength(id, "'id' must not be empty");
		Assert.isTrue(names.length == values.length, "names and values must have the same length");
		this.id = id;
		this.creationTime = creationTime;
		this.lastAccessedTime = lastAccessedTime;
		this.maxInactiveMillis = maxInactiveMillis;
		this.principalName = principalName;
		this.names = names;
		this.values = values;
		this.version = version;
		this.decodedBy = decodedBy;
	}

	public String id() {
		return this.id;
	}

	public long creationTime() {
		return this.creationTime;
	}

	public long lastAccessedTime() {
		return this.lastAccessedTime;
	}

	public long maxInactiveMillis() {
		return this.maxInactiveMillis;
	}

	public @Nullable String principalName() {
		return this.principalName;
	}

	public long version() {
		return this.version;
	}

	/** Return the attribute names themselves, for {@link SessionRecordMerge}; not to be modified. */
	String[] names() {
		return this.names;
	}

	/** Return the attribute values themselves, for {@link SessionRecordMerge}; not to be modified. */
	byte[][] values() {
		return this.values;
	}

	/** Return the decoder mark, for {@link SessionRecordMerge} to carry over. */
	@Nullable Object decodedBy() {
		return this.decodedBy;
	}

	/**
	 * Return the number of attributes.
	 * @return the attribute count
	 */
	public int attributeCount() {
		return this.names.length;
	}

	/**
	 * Return the name of the attribute at an index.
	 * @param index from 0 to {@link #attributeCount()} - 1
	 * @return the name
	 */
	public String attributeName(int index) {
		return this.names[index];
	}

	/**
	 * Return the serialized value of the attribute at an index; callers must not modify it.
	 * @param index from 0 to {@link #attributeCount()} - 1
	 * @return the value bytes
	 */
	public byte[] attributeValue(int index) {
		return this.values[index];
	}

	/**
	 * Return the serialized value of an attribute; callers must not modify it.
	 * @param name the attribute name
	 * @return its bytes, or {@code null} if the session has no such attribute
	 */
	public byte @Nullable [] attribute(String name) {
		int index = indexOf(this.names, name);
		return (index >= 0) ? this.values[index] : null;
	}

	/**
	 * Return the attribute names.
	 * @return an unmodifiable list of names
	 */
	public List<String> attributeNames() {
		return Collections.unmodifiableList(Arrays.asList(this.names));
	}

	/**
	 * Return when this session expires.
	 * @return the expiry time, or {@code null} if it never expires
	 */
	public @Nullable Instant expiresAt() {
		return (this.maxInactiveMillis < 0) ? null : Instant.ofEpochMilli(this.lastAccessedTime + this.maxInactiveMillis);
	}

	/**
	 * Whether this session has expired at the given time; the same rule as
	 * {@code MapSession#isExpired()}.
	 * @param now the current time
	 * @return {@code true} if expired
	 */
	public boolean isExpired(Instant now) {
		return isExpired(now.toEpochMilli());
	}

	/**
	 * Whether this session has expired at the given time.
	 * @param nowMillis the current time, epoch millis
	 * @return {@code true} if expired
	 */
	public boolean isExpired(long nowMillis) {
		return this.maxInactiveMillis >= 0 && nowMillis - this.maxInactiveMillis >= this.lastAccessedTime;
	}

	/**
	 * Return the inactivity timeout.
	 * @return the timeout, negative for never
	 */
	public Duration maxInactiveInterval() {
		return Duration.ofMillis(this.maxInactiveMillis);
	}

	/**
	 * Merge a change into a stored record. Attributes the change does not name keep their
	 * stored value; that is what lets two requests that set different attributes both keep them.
	 * @param base the stored record, or {@code null} when the change creates the session
	 * @param change the change
	 * @return the new record, one version above {@code base}
	 * @see SessionRecordMerge
	 */
	public static SessionRecord apply(@Nullable SessionRecord base, SessionChange change) {
		return SessionRecordMerge.apply(base, change);
	}

	private static int indexOf(String[] names, String name) {
		for (int i = 0; i < names.length; i++) {
			if (names[i].equals(name)) {
				return i;
			}
		}
		return -1;
	}

	/**
	 * Whether a decoder has decoded every value of this record, or of the record it was applied
	 * to (the values a change adds were encoded by the repository that made it).
	 * @param decoder the decoder
	 * @return {@code true} if it is marked as having done so
	 */
	public boolean isDecodedBy(Object decoder) {
		return this.decodedBy == decoder;
	}

	/**
	 * Mark this record as one whose every value a decoder has decoded.
	 * @param decoder the decoder
	 */
	public void markDecodedBy(Object decoder) {
		this.decodedBy = decoder;
	}

	/**
	 * Return a copy of this record that holds other strings for its attribute names (equal ones).
	 * @param names the names, index-aligned with this record's
	 * @return the copy, with this record's {@link #isDecodedBy decoder mark}
	 */
	public SessionRecord withNames(String[] names) {
		Assert.isTrue(names.length == this.names.length, "names must have the record's length");
		return new SessionRecord(this.id, this.creationTime, this.lastAccessedTime, this.maxInactiveMillis,
				this.principalName, names, this.values, this.version, this.decodedBy);
	}

	@Override
	public String toString() {
		return "SessionRecord[id=" + this.id + ", version=" + this.version + ", attributes=" + this.names.length + "]";
	}

}
