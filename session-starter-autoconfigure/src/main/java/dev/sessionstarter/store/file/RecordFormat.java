package dev.sessionstarter.store.file;

import dev.sessionstarter.store.SessionRecord;

/**
 * Turns a {@link SessionRecord} into the bytes of its session file and back. The file store
 * uses it, and so does the session daemon for its storage directory, so each reads the other's
 * files: the binary format decodes both a single record, as the daemon writes, and the file
 * store's two-slot files.
 */
public interface RecordFormat {

	/**
	 * Encode a record.
	 * @param record the record
	 * @return the file content
	 */
	byte[] encode(SessionRecord record);

	/**
	 * Decode a file.
	 * @param bytes the file content
	 * @return the record
	 * @throws CorruptSessionFileException if the content is not a whole, valid record
	 */
	SessionRecord decode(byte[] bytes) throws CorruptSessionFileException;

	/**
	 * Return the format for a {@link FileFormat}; the JSON format needs Jackson.
	 * @param format the format
	 * @return its implementation
	 */
	static RecordFormat of(FileFormat format) {
		return switch (format) {
			case BINARY -> BinaryRecordFormat.INSTANCE;
			case JSON -> new JsonRecordFormat();
		};
	}

}
