package dev.sessionstarter.store.file;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

import org.jspecify.annotations.Nullable;

import dev.sessionstarter.store.SessionIds;
import dev.sessionstarter.store.StoreUsage;

/**
 * The names in a directory of session files: {@code <id>.session} or {@code <id>.json} for each
 * session (see {@link FileFormat}), and {@code .tmp-<id>-<random hex>} for a file being written
 * (see {@link SessionFileWriter}). Shared by the file store and the session daemon's storage
 * directory, so both name, and find, their files the same way.
 *
 * <p>Ids are checked by {@link SessionIds} and a session's path must be directly inside the
 * directory, so no id can name another file.
 */
public final class SessionDirectory {

	/**
	 * The prefix of the name of a file being written.
	 */
	static final String TEMP_PREFIX = ".tmp-";

	private final Path dir;

	private final FileFormat format;

	/**
	 * Use a directory, creating it and its parents (owner-only) if needed.
	 * @param dir the directory
	 * @param format the format of its session files, which decides their extension
	 * @throws java.io.UncheckedIOException if the directory cannot be created or used
	 */
	public SessionDirectory(Path dir, FileFormat format) {
		this.dir = FileOperations.createDirectory(dir.toAbsolutePath().normalize());
		this.format = format;
	}

	/**
	 * Return the directory.
	 * @return the directory, as a real path
	 */
	public Path path() {
		return this.dir;
	}

	/**
	 * Return the format of the session files.
	 * @return the format
	 */
	public FileFormat format() {
		return this.format;
	}

	/**
	 * Return the file of a session.
	 * @param id the session id
	 * @return the path, or {@code null} if the id is not acceptable or would resolve to a path
	 * that is not directly inside the directory
	 */
	public @Nullable Path file(@Nullable String id) {
		if (!SessionIds.isValid(id)) {
			return null;
		}
		Path path = this.dir.resolve(id + this.format.extension()).normalize();
		return this.dir.equals(path.getParent()) ? path : null;
	}

	/**
	 * Return the session a file of the directory is the session file of.
	 * @param file a file of the directory
	 * @return the session id, or {@code null} if the name has another extension or names no
	 * acceptable id
	 */
	public @Nullable String idOf(Path file) {
		String name = file.getFileName().toString();
		String extension = this.format.extension();
		if (!name.endsWith(extension)) {
			return null;
		}
		String id = name.substring(0, name.length() - extension.length());
		return SessionIds.isValid(id) ? id : null;
	}

	/**
	 * Read a file of the directory as a session file: only a regular file (a link is not
	 * followed, nothing else is opened, so no FIFO can block the caller) of at most 64 MiB, in
	 * chunks of at most 64 KiB, so it costs no off-heap buffer of its size.
	 * @param file a file of the directory
	 * @return its content, or {@code null} if there is no file
	 * @throws CorruptSessionFileException if it is not a regular file, is too large or may not
	 * be read: quarantine it
	 * @throws java.io.UncheckedIOException if reading it fails otherwise
	 */
	public byte @Nullable [] read(Path file) throws CorruptSessionFileException {
		return StoredFile.readBytes(file);
	}

	/**
	 * List the directory: session files, temporary files and everything else.
	 * @return its entries, none if it does not exist
	 */
	public List<Path> list() {
		return FileOperations.list(this.dir);
	}

	/**
	 * Return how many session files the directory holds and their size on disk; entries that
	 * are not regular files are not counted.
	 * @return the usage, with no bound
	 */
	StoreUsage usage() {
		long sessions = 0;
		long bytes = 0;
		for (Path path : list()) {
			if (idOf(path) != null) {
				try {
					BasicFileAttributes attributes = Files.readAttributes(path, BasicFileAttributes.class,
							LinkOption.NOFOLLOW_LINKS);
					if (attributes.isRegularFile()) {
						bytes += attributes.size();
						sessions++;
					}
				}
				catch (IOException ex) {
					// Removed while listing
				}
			}
		}
		return new StoreUsage(sessions, bytes, -1);
	}

	/**
	 * Return a new name for a file being written for a session, unique with high probability.
	 * @param id the session id
	 * @return a path in the directory, not created
	 */
	Path newTemporaryFile(String id) {
		return this.dir.resolve(TEMP_PREFIX + id + "-" + Long.toHexString(ThreadLocalRandom.current().nextLong()));
	}

	/**
	 * Whether a file is a temporary file, of any session or of none: one being written, or one a
	 * killed writer left behind (see {@link SessionFileWriter#deleteIfStale(Path)}).
	 * @param file a file of the directory
	 * @return {@code true} if its name has the temporary prefix
	 */
	public static boolean isTemporary(Path file) {
		return file.getFileName().toString().startsWith(TEMP_PREFIX);
	}

	/**
	 * Whether a file is a temporary file {@link #newTemporaryFile(String) named} for a session.
	 * @param file a file of the directory
	 * @param id the session id
	 * @return {@code true} if its name is that of a temporary file of the session
	 */
	static boolean isTemporaryFileOf(Path file, String id) {
		String prefix = TEMP_PREFIX + id + "-";
		String name = file.getFileName().toString();
		if (!name.startsWith(prefix) || name.length() == prefix.length()) {
			return false;
		}
		return name.substring(prefix.length()).chars().allMatch((c) -> Character.digit(c, 16) >= 0);
	}

}
