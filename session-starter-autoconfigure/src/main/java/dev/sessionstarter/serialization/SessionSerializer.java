package dev.sessionstarter.serialization;

import org.springframework.core.serializer.support.SerializationFailedException;

/**
 * Turns one session attribute value into bytes and back. Every store keeps attribute values
 * in the form this seam produces, so the memory store counts exactly the bytes it holds and
 * the file and daemon stores write what the memory store would hold.
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

}
