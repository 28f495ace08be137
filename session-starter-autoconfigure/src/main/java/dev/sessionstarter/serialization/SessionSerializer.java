package dev.sessionstarter.serialization;

import org.jspecify.annotations.Nullable;

import org.springframework.core.serializer.support.SerializationFailedException;

/**
 * Turns one session attribute value into bytes and back. Every store keeps attribute values
 * in the form this seam produces, so the memory store counts exactly the bytes it holds and
 * the file and daemon stores write what the memory store would hold.
 *
 * <p>The repository calls the methods that name the session and the attribute, so that a
 * serializer may bind the encoded form to them ({@link EncryptingSessionSerializer} uses them
 * as the associated data of its cipher); their defaults ignore both.
 *
 * <p>Implementations are thread-safe and stateless between calls.
 */
public interface SessionSerializer {

	/**
	 * Encodes an attribute value.
	 * @param value a non-null attribute value
	 * @return its encoded form, never shared with another call
	 * @throws SerializationFailedException if the value cannot be encoded (not serializable,
	 * or of a type the serializer does not allow)
	 */
	byte[] serialize(Object value);

	/**
	 * Decodes an attribute value produced by {@link #serialize(Object)}.
	 * @param bytes the encoded form
	 * @return the decoded value, a new object on every call for mutable types
	 * @throws SerializationFailedException if the bytes are corrupt, name a class that is not
	 * allowed, or name a class that changed incompatibly
	 */
	Object deserialize(byte[] bytes);

	/**
	 * Encodes the value of an attribute of a session; the default is {@link #serialize(Object)}.
	 * @param sessionId the id the session is stored under
	 * @param attributeName the attribute name
	 * @param value a non-null attribute value
	 * @return its encoded form, never shared with another call
	 * @throws SerializationFailedException if the value cannot be encoded
	 */
	default byte[] serialize(String sessionId, String attributeName, Object value) {
		return serialize(value);
	}

	/**
	 * Decodes the value of an attribute of a session, produced by
	 * {@link #serialize(String, String, Object)} for the same id and name; the default is
	 * {@link #deserialize(byte[])}.
	 * @param sessionId the id the session is stored under
	 * @param attributeName the attribute name
	 * @param bytes the encoded form
	 * @return the decoded value
	 * @throws SerializationFailedException if the bytes cannot be decoded (also: they were
	 * encoded for another session or attribute, or under a key this serializer does not have)
	 */
	default Object deserialize(String sessionId, String attributeName, byte[] bytes) {
		return deserialize(bytes);
	}

	/**
	 * Return the encoded form of a value for a session whose id changes, when the form depends
	 * on the id; the default returns {@code null} (it does not).
	 * @param fromId the id the value was encoded for
	 * @param toId the new id
	 * @param attributeName the attribute name
	 * @param bytes the encoded form for {@code fromId}
	 * @return the encoded form for {@code toId}, or {@code null} if {@code bytes} serve both
	 * @throws SerializationFailedException if the bytes cannot be decoded
	 */
	default byte @Nullable [] rebind(String fromId, String toId, String attributeName, byte[] bytes) {
		return null;
	}

	/**
	 * Whether a value in this encoded form should be written again in the current form (it
	 * was encrypted under a previous key); the default is {@code false}.
	 * @param bytes an encoded form that decoded
	 * @return {@code true} to write the value again at the next save
	 */
	default boolean isStale(byte[] bytes) {
		return false;
	}

}
