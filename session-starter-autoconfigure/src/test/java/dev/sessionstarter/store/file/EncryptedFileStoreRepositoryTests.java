package dev.sessionstarter.store.file;

import java.util.List;

import dev.sessionstarter.serialization.SessionSerializer;

/**
 * The repository contract over the file store with every value encrypted.
 */
class EncryptedFileStoreRepositoryTests extends FileStoreRepositoryTests {

	@Override
	protected SessionSerializer createSerializer(List<String> allowedClasses) {
		return encryptingSerializer(allowedClasses);
	}

}
