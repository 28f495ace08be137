package dev.sessionstarter.store.file;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The gone marks of a {@linkplain SlottedFile slotted} binary session file: before the file is
 * deleted or replaced by a new one (a session outgrew its slots), both slot magics are
 * overwritten with {@link #GONE}, so a process that has the old file open or mapped knows to look
 * at the path again. The slot that holds the newest record is marked last, so a writer that dies
 * between the two marks leaves it readable, and {@link CrashRecovery} can {@linkplain #unmarked
 * undo} the marks of a file whose writer died before it was replaced.
 */
final class GoneMarks {

	/**
	 * The magic of a slot marked gone.
	 */
	static final int GONE = 0x53534744;

	private GoneMarks() {
	}

	/**
	 * Return the order in which a writer marks the slots of a file gone: the slot that does not
	 * hold the newest record first, so a writer that dies between the two marks leaves the
	 * newest record readable.
	 * @param newestSlot the slot that holds the newest record
	 * @return the two slots, in marking order
	 */
	static int[] goneMarkOrder(int newestSlot) {
		return new int[] { 1 - newestSlot, newestSlot };
	}

	/**
	 * Whether the file is being, or was, deleted or replaced: the first slot is marked gone
	 * (by the first mark or the second, always before the file is replaced or deleted). One
	 * read, for a mapping checked on every use.
	 * @param file the whole file
	 * @return {@code true} if the first slot is marked gone
	 */
	static boolean isGoing(ByteBuffer file) {
		return file.getInt(0) == GONE;
	}

	/**
	 * Whether the file was deleted or replaced: its content is no longer the session's.
	 * @param file the whole file
	 * @return {@code true} if both slots are marked gone
	 */
	static boolean isGone(ByteBuffer file) {
		return file.getInt(0) == GONE && file.getInt(SlottedFile.capacity(file)) == GONE;
	}

	/**
	 * Undo the gone marks of a file's content, as it was before its writer marked it.
	 * @param file the whole file, marked; changed in place
	 * @return {@code file}, each slot marked gone given the slot magic back
	 */
	static ByteBuffer unmarked(ByteBuffer file) {
		int capacity = SlottedFile.capacity(file);
		for (int slot = 0; slot < 2; slot++) {
			if (file.getInt(slot * capacity) == GONE) {
				file.putInt(slot * capacity, SlottedFile.MAGIC);
			}
		}
		return file;
	}

	/**
	 * Mark a slotted binary file gone, before it is deleted or replaced, so a process that has
	 * it mapped looks at the path again.
	 * @param path the session file
	 * @param stored what it holds; nothing is marked unless it is slotted
	 */
	static void markGone(Path path, StoredFile stored) {
		ByteBuffer file = stored.slotted();
		if (file == null) {
			return;
		}
		try (FileChannel channel = FileChannel.open(path, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS)) {
			ByteBuffer gone = ByteBuffer.allocate(4).putInt(0, GONE);
			for (int slot : goneMarkOrder(stored.slot())) {
				channel.write(gone.clear(), (long) slot * SlottedFile.capacity(file));
			}
		}
		catch (NoSuchFileException ex) {
			// Deleted meanwhile
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot mark session file " + path + " as replaced", ex);
		}
	}

}
