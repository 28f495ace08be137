package dev.sessionstarter.store.file;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Objects;

import org.jspecify.annotations.Nullable;

/**
 * Maps the file at a session's path for a {@link MappedSessionFile}, checking that what it
 * mapped is that session's file: a regular file (a link is not followed) of a readable size,
 * the same file, of the same size, after the mapping as before it (not replaced meanwhile), in
 * the {@linkplain SlottedFile slotted layout}, with a valid record of the session.
 */
final class SessionFileMapper {

	private SessionFileMapper() {
	}

	/**
	 * Map the file at a session's path.
	 * @param path the session file
	 * @param id the session id
	 * @return the mapping and the file's key, or {@code null} if the path holds no file of the
	 * session (missing, replaced while being mapped, not slotted, or holding no valid record)
	 * @throws UncheckedIOException if the file cannot be read or mapped
	 */
	static @Nullable Mapped map(Path path, String id) {
		BasicFileAttributes before = attributes(path);
		if (before == null) {
			return null;
		}
		MappedRegion region;
		try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE,
				LinkOption.NOFOLLOW_LINKS)) {
			region = MappedRegion.map(channel);
		}
		catch (NoSuchFileException ex) {
			return null;
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot map session file " + path, ex);
		}
		ByteBuffer mapping = region.buffer();
		BasicFileAttributes after = attributes(path);
		if (after == null || !Objects.equals(after.fileKey(), before.fileKey()) || after.size() != mapping.capacity()
				|| !holdsSession(mapping, id)) {
			// replaced while being mapped, or no file of this session
			region.release();
			return null;
		}
		return new Mapped(region, after.fileKey());
	}

	/**
	 * Read the path's attributes and check that it can be a session file.
	 * @return the attributes, or {@code null} if there is no such file or it is no session file
	 * (which the store's read quarantines)
	 */
	private static @Nullable BasicFileAttributes attributes(Path path) {
		try {
			BasicFileAttributes attributes = Files.readAttributes(path, BasicFileAttributes.class,
					LinkOption.NOFOLLOW_LINKS);
			RegularFileReads.checkReadable(attributes, StoredFile.MAX_FILE_SIZE);
			return attributes;
		}
		catch (NoSuchFileException | CorruptSessionFileException ex) {
			return null;
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot map session file " + path, ex);
		}
	}

	private static boolean holdsSession(ByteBuffer mapping, String id) {
		try {
			SlottedFile.Read read = SlottedFile.isSlotted(mapping)
					? SlottedFile.read(mapping, BinaryRecordFormat.INSTANCE) : null;
			return read != null && read.record().id().equals(id);
		}
		catch (CorruptSessionFileException ex) {
			return false;
		}
	}

	/**
	 * A session file mapped, and the key that identifies the file (see
	 * {@link BasicFileAttributes#fileKey()}); its size is the mapping's capacity.
	 * @param region the mapping
	 * @param fileKey the file key, {@code null} where the platform has none
	 */
	record Mapped(MappedRegion region, @Nullable Object fileKey) {
	}

}
