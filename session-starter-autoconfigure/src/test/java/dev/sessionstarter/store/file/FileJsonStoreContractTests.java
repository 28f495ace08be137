package dev.sessionstarter.store.file;

/**
 * The store contract on the file store in the json format.
 */
class FileJsonStoreContractTests extends FileStoreContractTests {

	@Override
	protected FileFormat format() {
		return FileFormat.JSON;
	}

}
