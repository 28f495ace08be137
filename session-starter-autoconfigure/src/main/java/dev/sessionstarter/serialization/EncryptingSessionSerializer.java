package dev.sessionstarter.serialization;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;

import org.springframework.core.serializer.support.SerializationFailedException;
import org.springframework.util.Assert;

/**
 * A {@link SessionSerializer} that encrypts what another one encodes: AES-GCM with a random
 * 96-bit nonce per value and the session id and attribute name as associated data, so a value
 * copied to another session or attribute does not decrypt. The encoded form is a format byte,
 * four bytes that identify the key (from its SHA-256), the nonce, then the ciphertext and its
 * 128-bit tag: 33 bytes more than the plain form.
 *
 * <p>Values are encrypted under the first key; values encrypted under any of the keys are
 * decrypted (rotation), and {@link #isStale} tells the repository to write those under an
 * earlier key again. A value no key decrypts is a {@link SerializationFailedException}, as an
 * undecodable value is: the repository drops its session and counts it. The keys never appear
 * in messages or in {@link #toString()}.
 *
 * <p>The id-less {@link #serialize(Object)} and {@link #deserialize(byte[])} are refused: a
 * value is always encrypted for a session and an attribute.
 */
public final class EncryptingSessionSerializer implements SessionSerializer {

	private final SessionSerializer delegate;

	private final AesGcmKeys keys;

	/**
	 * Create a serializer.
	 * @param delegate what encodes values before they are encrypted
	 * @param keys raw AES keys of 16, 24 or 32 bytes each: the first encrypts, all decrypt
	 */
	public EncryptingSessionSerializer(SessionSerializer delegate, List<byte[]> keys) {
		Assert.notNull(delegate, "'delegate' must not be null");
		this.keys = new AesGcmKeys(keys);
		this.delegate = delegate;
	}

	/**
	 * Whether a raw key of this many bytes is an AES key.
	 * @param length the key length in bytes
	 * @return {@code true} for 16, 24 and 32
	 */
	public static boolean isValidKeyLength(int length) {
		return length == 16 || length == 24 || length == 32;
	}

	@Override
	public byte[] serialize(Object value) {
		throw new UnsupportedOperationException("Encrypted values are bound to a session: name its id");
	}

	@Override
	public Object deserialize(byte[] bytes) {
		throw new UnsupportedOperationException("Encrypted values are bound to a session: name its id");
	}

	@Override
	public byte[] serialize(String sessionId, String attributeName, Object value) {
		return this.keys.encrypt(associatedData(sessionId, attributeName),
				this.delegate.serialize(sessionId, attributeName, value));
	}

	@Override
	public Object deserialize(String sessionId, String attributeName, byte[] bytes) {
		return this.delegate.deserialize(sessionId, attributeName,
				this.keys.decrypt(associatedData(sessionId, attributeName), bytes));
	}

	@Override
	public byte[] rebind(String fromId, String toId, String attributeName, byte[] bytes) {
		return this.keys.encrypt(associatedData(toId, attributeName),
				this.keys.decrypt(associatedData(fromId, attributeName), bytes));
	}

	@Override
	public boolean isStale(byte[] bytes) {
		return this.keys.isStale(bytes);
	}

	private static byte[] associatedData(String sessionId, String attributeName) {
		byte[] id = sessionId.getBytes(StandardCharsets.UTF_8);
		byte[] name = attributeName.getBytes(StandardCharsets.UTF_8);
		return ByteBuffer.allocate(4 + id.length + name.length).putInt(id.length).put(id).put(name).array();
	}

	@Override
	public String toString() {
		return "EncryptingSessionSerializer[" + this.keys + ", over " + this.delegate + "]";
	}

}
