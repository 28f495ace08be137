package dev.sessionstarter.store.file;

import java.nio.ByteBuffer;

/**
 * A slotted file whose slots are {@linkplain GoneMarks#GONE marked gone}: its writer is
 * replacing or deleting it, or died while doing so (see {@link CrashRecovery}).
 */
final class MarkedGoneException extends CorruptSessionFileException {

	/**
	 * The file's content as read, marks and all.
	 */
	final transient ByteBuffer file;

	MarkedGoneException(ByteBuffer file) {
		super("replaced or deleted meanwhile");
		this.file = file;
	}

}
