package dev.sessionstarter.store.file;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;

import dev.sessionstarter.store.SessionRecord;

/**
 * Writes session files of the previous binary layout (one record, no slots), as an earlier
 * version of the application left them, for tests outside this package.
 */
public final class PreviousLayoutFiles {

	private PreviousLayoutFiles() {
	}

	/**
	 * Write a record as a single-record binary file in a store's directory.
	 * @param store a binary store
	 * @param record the record
	 * @throws IOException if the file cannot be written
	 */
	public static void write(FileSessionStore store, SessionRecord record) throws IOException {
		Path file = Objects.requireNonNull(store.path(record.id()));
		Files.write(file, BinaryRecordFormat.INSTANCE.encode(record));
	}

}
