package dev.sessionstarter.serialization;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

import org.jspecify.annotations.Nullable;

import org.springframework.core.serializer.support.SerializationFailedException;
import org.springframework.util.Assert;

/**
 * The AES-GCM encryption behind {@link EncryptingSessionSerializer}: its keys (the first
 * encrypts, all decrypt) and the encrypted form, a format byte, four bytes that identify the key
 * (from its SHA-256), a random 96-bit nonce, then the ciphertext and its 128-bit tag. The keys
 * never appear in messages or in {@link #toString()}.
 */
final class AesGcmKeys {

	/**
	 * The first byte of an encrypted value: neither a tag of {@link JavaSessionSerializer} nor
	 * the start of JSON, so a serializer without the key fails on it rather than misreading it.
	 */
	private static final byte FORMAT = (byte) 0xE1;

	private static final int KEY_ID_BYTES = 4;

	private static final int NONCE_BYTES = 12;

	private static final int TAG_BITS = 128;

	private static final int HEADER_BYTES = 1 + KEY_ID_BYTES + NONCE_BYTES;

	private static final String TRANSFORMATION = "AES/GCM/NoPadding";

	/** Ciphers and nonce sources are costly to create and not thread-safe: one of each a thread. */
	private static final ThreadLocal<Cipher> CIPHERS = ThreadLocal.withInitial(AesGcmKeys::newCipher);

	private static final ThreadLocal<SecureRandom> RANDOMS = ThreadLocal.withInitial(AesGcmKeys::newRandom);

	private final List<Key> keys;

	/**
	 * Create the keys.
	 * @param keys raw AES keys of 16, 24 or 32 bytes each: the first encrypts, all decrypt
	 */
	AesGcmKeys(List<byte[]> keys) {
		Assert.notEmpty(keys, "'keys' must not be empty");
		this.keys = new ArrayList<>(keys.size());
		for (byte[] key : keys) {
			Assert.isTrue(EncryptingSessionSerializer.isValidKeyLength(key.length),
					"AES keys must have 16, 24 or 32 bytes");
			this.keys.add(new Key(key));
		}
	}

	/** Whether a value is not encrypted under the first key. */
	boolean isStale(byte[] bytes) {
		return bytes.length < HEADER_BYTES || !this.keys.get(0).matches(bytes);
	}

	/** Encrypt under the first key, with the given associated data. */
	byte[] encrypt(byte[] associatedData, byte[] plain) {
		Key key = this.keys.get(0);
		byte[] nonce = new byte[NONCE_BYTES];
		RANDOMS.get().nextBytes(nonce);
		try {
			Cipher cipher = CIPHERS.get();
			cipher.init(Cipher.ENCRYPT_MODE, key.secret, new GCMParameterSpec(TAG_BITS, nonce));
			cipher.updateAAD(associatedData);
			byte[] encrypted = new byte[HEADER_BYTES + cipher.getOutputSize(plain.length)];
			encrypted[0] = FORMAT;
			System.arraycopy(key.id, 0, encrypted, 1, KEY_ID_BYTES);
			System.arraycopy(nonce, 0, encrypted, 1 + KEY_ID_BYTES, NONCE_BYTES);
			int length = cipher.doFinal(plain, 0, plain.length, encrypted, HEADER_BYTES);
			Assert.state(HEADER_BYTES + length == encrypted.length, "Unexpected AES-GCM output length");
			return encrypted;
		}
		catch (GeneralSecurityException ex) {
			throw new SerializationFailedException("Cannot encrypt a session attribute (" + ex.getClass().getName()
					+ ")", ex);
		}
	}

	/** Decrypt with whichever key does, given the same associated data; fails if none does. */
	byte[] decrypt(byte[] associatedData, byte[] bytes) {
		if (bytes.length < HEADER_BYTES + TAG_BITS / 8 || bytes[0] != FORMAT) {
			throw new SerializationFailedException("not an encrypted value (sessions.encryption.key is set)");
		}
		// the key the id names first, then every other key (ids may collide)
		byte[] plain = null;
		for (Key key : this.keys) {
			if (key.matches(bytes)) {
				plain = tryDecrypt(key, associatedData, bytes);
				if (plain != null) {
					return plain;
				}
			}
		}
		for (Key key : this.keys) {
			if (!key.matches(bytes)) {
				plain = tryDecrypt(key, associatedData, bytes);
				if (plain != null) {
					return plain;
				}
			}
		}
		throw new SerializationFailedException("no key of sessions.encryption.key or sessions.encryption."
				+ "previous-keys decrypts it for this session (another key, or a value moved from another session)");
	}

	private static byte @Nullable [] tryDecrypt(Key key, byte[] associatedData, byte[] bytes) {
		try {
			Cipher cipher = CIPHERS.get();
			cipher.init(Cipher.DECRYPT_MODE, key.secret,
					new GCMParameterSpec(TAG_BITS, bytes, 1 + KEY_ID_BYTES, NONCE_BYTES));
			cipher.updateAAD(associatedData);
			return cipher.doFinal(bytes, HEADER_BYTES, bytes.length - HEADER_BYTES);
		}
		catch (GeneralSecurityException ex) {
			return null;
		}
	}

	/** A DRBG (NIST SP 800-90A) of its own, seeded by the system: no lock shared with other threads. */
	private static SecureRandom newRandom() {
		try {
			return SecureRandom.getInstance("DRBG");
		}
		catch (GeneralSecurityException ex) {
			return new SecureRandom();
		}
	}

	private static Cipher newCipher() {
		try {
			return Cipher.getInstance(TRANSFORMATION);
		}
		catch (GeneralSecurityException ex) {
			throw new IllegalStateException(TRANSFORMATION + " is not available", ex);
		}
	}

	@Override
	public String toString() {
		return "AES-GCM, " + this.keys.size() + " key(s)";
	}

	/** One AES key and the four bytes that identify it in an encrypted value. */
	private static final class Key {

		private final SecretKey secret;

		private final byte[] id;

		Key(byte[] raw) {
			this.secret = new SecretKeySpec(raw, "AES");
			try {
				this.id = Arrays.copyOf(MessageDigest.getInstance("SHA-256").digest(raw), KEY_ID_BYTES);
			}
			catch (GeneralSecurityException ex) {
				throw new IllegalStateException("SHA-256 is not available", ex);
			}
		}

		boolean matches(byte[] bytes) {
			for (int i = 0; i < KEY_ID_BYTES; i++) {
				if (bytes[1 + i] != this.id[i]) {
					return false;
				}
			}
			return true;
		}

		@Override
		public String toString() {
			return "Key[******]";
		}

	}

}
