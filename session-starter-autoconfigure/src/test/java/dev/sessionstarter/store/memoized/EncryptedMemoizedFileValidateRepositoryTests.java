package dev.sessionstarter.store.memoized;

import java.util.List;

import dev.sessionstarter.serialization.SessionSerializer;

/**
 * The repository contract on the memoized store over files, validate coherence, with every
 * value encrypted.
 */
class EncryptedMemoizedFileValidateRepositoryTests extends MemoizedFileValidateRepositoryTests {

	@Override
	protected SessionSerializer createSerializer(List<String> allowedClasses) {
		return encryptingSerializer(allowedClasses);
	}

}
