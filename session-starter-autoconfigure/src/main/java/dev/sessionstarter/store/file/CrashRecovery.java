package dev.sessionstarter.store.file;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.function.Consumer;

import org.jspecify.annotations.Nullable;

/**
 * Repairs a session file that a writer killed between marking it {@linkplain GoneMarks#GONE
 * gone} and replacing or deleting it left behind: the replacement is completed from the
 * writer's temporary file when one holds a whole newer record of the session; otherwise the
 * file is restored as it was before the marks (the save or delete never completed), and
 * deleted only if it holds no whole record. Called under the session's record lock, so no live
 * writer is still writing the file or any of its temporary files.
 */
final class CrashRecovery {

	private final SessionDirectory directory;

	private final RecordFormat format;

	private final SessionFileWriter writer;

	private final Consumer<String> warnings;

	/**
	 * Create the recovery of a directory.
	 * @param directory the session directory
	 * @param format the format of its files
	 * @param writer its writer
	 * @param warnings where the warning about each repaired file goes
	 */
	CrashRecovery(SessionDirectory directory, RecordFormat format, SessionFileWriter writer,
			Consumer<String> warnings) {
		this.directory = directory;
		this.format = format;
		this.writer = writer;
		this.warnings = warnings;
	}

	/**
	 * Repair a file found marked gone under its record lock.
	 * @param id the session id
	 * @param path the session file
	 * @param marked the file's content as read, marks and all
	 * @return what the file holds now, or {@code null} if the session is gone (its file deleted)
	 */
	@Nullable StoredFile recover(String id, Path path, ByteBuffer marked) {
		ByteBuffer unmarked = GoneMarks.unmarked(marked);
		SlottedFile.Read before = readUnmarked(unmarked);
		StoredFile replacement = completeReplacement(id, path, (before != null) ? before.record().version() : 0);
		if (replacement != null) {
			return replacement;
		}
		StoredFile restored = (before != null) ? restore(id, path, unmarked, before) : null;
		if (restored == null) {
			FileOperations.delete(path);
		}
		return restored;
	}

	/**
	 * Of the session's temporary files, rename the one that holds the whole record of the
	 * highest version (newer than the gone file's) into place.
	 * @param goneVersion the highest version the file marked gone still holds whole, or 0
	 * @return what the file holds now, or {@code null} if no temporary file holds a newer record
	 */
	private @Nullable StoredFile completeReplacement(String id, Path path, long goneVersion) {
		Path newest = null;
		StoredFile newestStored = null;
		for (Path temp : this.directory.list()) {
			if (!SessionDirectory.isTemporaryFileOf(temp, id)) {
				continue;
			}
			StoredFile stored;
			try {
				stored = StoredFile.read(temp, id, this.format);
			}
			catch (CorruptSessionFileException ex) {
				// torn by a writer killed while writing it: the purge deletes it
				continue;
			}
			if (stored != null && stored.slotted() != null && stored.record().version() > goneVersion
					&& (newestStored == null || stored.record().version() > newestStored.record().version())) {
				newest = temp;
				newestStored = stored;
			}
		}
		if (newest == null) {
			return null;
		}
		this.writer.moveIntoPlace(newest, path);
		this.warnings.accept("Session file " + path.getFileName() + " was left marked replaced by a writer that "
				+ "died; completed the replacement from " + newest.getFileName());
		return newestStored;
	}

	/**
	 * Write the file back in place as it was before the marks.
	 * @param unmarked the file's content with its marks undone
	 * @param read the newest whole record of that content
	 * @return what the file holds, or {@code null} if it holds another session
	 */
	private @Nullable StoredFile restore(String id, Path path, ByteBuffer unmarked, SlottedFile.Read read) {
		if (!read.record().id().equals(id)) {
			return null;
		}
		this.writer.restore(path, unmarked);
		this.warnings.accept("Session file " + path.getFileName() + " was left marked replaced or deleted by a "
				+ "writer that died; restored it as it was");
		return new StoredFile(read.record(), unmarked, read.slot());
	}

	private static SlottedFile.@Nullable Read readUnmarked(ByteBuffer unmarked) {
		try {
			return SlottedFile.read(unmarked, BinaryRecordFormat.INSTANCE);
		}
		catch (CorruptSessionFileException ex) {
			return null;
		}
	}

}
