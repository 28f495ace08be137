package dev.sessionstarter.autoconfigure;

import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

import org.jspecify.annotations.Nullable;

import dev.sessionstarter.serialization.EncryptingSessionSerializer;
import dev.sessionstarter.serialization.SessionSerializer;
import dev.sessionstarter.store.file.FileFormat;

/**
 * Reads {@code sessions.encryption.*}: the base64 keys become an
 * {@link EncryptingSessionSerializer} around the configured serializer, and a key that is not a
 * base64 AES key stops startup naming its property, never showing the value.
 */
final class EncryptionSettings {

	static final String KEY = "sessions.encryption.key";

	static final String PREVIOUS_KEYS = "sessions.encryption.previous-keys";

	private EncryptionSettings() {
	}

	/**
	 * Return the serializer that encrypts with the configured keys, or the given one when no key
	 * is set.
	 * @param serializer the serializer that encodes values
	 * @param properties the settings
	 * @return the serializer to use
	 */
	static SessionSerializer apply(SessionSerializer serializer, SessionsProperties properties) {
		SessionsProperties.Encryption encryption = properties.getEncryption();
		if (!hasText(encryption.getKey())) {
			if (!encryption.getPreviousKeys().isEmpty()) {
				throw new InvalidSessionsPropertyException(KEY, null,
						"must be set when " + PREVIOUS_KEYS + " is: new values are encrypted under it");
			}
			return serializer;
		}
		if (properties.getFile().getFormat() == FileFormat.JSON) {
			throw new InvalidSessionsPropertyException(KEY, hidden(encryption.getKey()),
					"cannot be used with sessions.file.format=json: encrypted values are not JSON; "
							+ "use sessions.file.format=binary");
		}
		List<byte[]> keys = new ArrayList<>();
		keys.add(decode(KEY, encryption.getKey()));
		List<String> previous = encryption.getPreviousKeys();
		for (int i = 0; i < previous.size(); i++) {
			keys.add(decode(PREVIOUS_KEYS + "[" + i + "]", previous.get(i)));
		}
		return new EncryptingSessionSerializer(serializer, keys);
	}

	private static byte[] decode(String property, @Nullable String value) {
		byte[] key;
		try {
			key = Base64.getDecoder().decode((value != null) ? value.strip() : "");
		}
		catch (IllegalArgumentException ex) {
			throw new InvalidSessionsPropertyException(property, hidden(value),
					"must be a base64-encoded AES key of 16, 24 or 32 bytes (it is not base64), such as the "
							+ "output of 'openssl rand -base64 32'");
		}
		if (!EncryptingSessionSerializer.isValidKeyLength(key.length)) {
			throw new InvalidSessionsPropertyException(property, hidden(value),
					"must be a base64-encoded AES key of 16, 24 or 32 bytes (it decodes to " + key.length
							+ " bytes), such as the output of 'openssl rand -base64 32'");
		}
		return key;
	}

	/** What a failure shows of a key: its length, never its characters. */
	private static String hidden(@Nullable String value) {
		return "<hidden, " + ((value != null) ? value.length() : 0) + " characters>";
	}

	private static boolean hasText(@Nullable String value) {
		return value != null && !value.isBlank();
	}

}
