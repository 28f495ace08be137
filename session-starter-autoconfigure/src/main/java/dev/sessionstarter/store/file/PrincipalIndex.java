package dev.sessionstarter.store.file;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;
import java.util.function.Predicate;

import org.jspecify.annotations.Nullable;

import dev.sessionstarter.store.SessionIds;
import dev.sessionstarter.store.SessionRecord;

/**
 * The principal-name index of a session directory, on disk so that it holds across restarts
 * and JVMs: one empty marker file per session, {@code .principals/<sha-256 of the name>/<id>}.
 * Markers are added before a session file names its principal and removed after it no longer
 * does, so the index may name too many sessions but never too few; readers confirm each one
 * against the session file, and the purge drops markers of sessions that are gone.
 */
final class PrincipalIndex {

	static final String DIR = ".principals";

	private final Path root;

	PrincipalIndex(Path sessionDirectory) {
		this.root = sessionDirectory.resolve(DIR);
	}

	/**
	 * Index a session under its principal, if it has one.
	 * @param record the session
	 */
	void add(SessionRecord record) {
		String principal = record.principalName();
		if (principal == null) {
			return;
		}
		Path markers = directory(principal);
		for (int attempt = 0;; attempt++) {
			try {
				FileOperations.ensureOwnDirectory(this.root);
				FileOperations.ensureOwnDirectory(markers);
				Path marker = markers.resolve(record.id());
				Files.createFile(marker, FileAttributes.ownerOnlyFile(marker));
				return;
			}
			catch (FileAlreadyExistsException ex) {
				return;
			}
			catch (NoSuchFileException ex) {
				if (attempt > 2) {
					throw new UncheckedIOException("Cannot index session " + record.id() + " in " + markers, ex);
				}
			}
			catch (IOException ex) {
				throw new UncheckedIOException("Cannot index session " + record.id() + " in " + markers, ex);
			}
		}
	}

	/**
	 * Write a session with its index kept right: when the principal or the id changed, the new
	 * record is indexed before it is written and the base's entry dropped after.
	 * @param base what the session's file holds now, or {@code null} if it has none
	 * @param record the record to write
	 * @param write writes it
	 */
	void reindex(@Nullable SessionRecord base, SessionRecord record, Runnable write) {
		boolean reindex = base == null || !base.id().equals(record.id())
				|| !Objects.equals(base.principalName(), record.principalName());
		if (reindex) {
			add(record);
		}
		write.run();
		if (reindex && base != null) {
			remove(base);
		}
	}

	/**
	 * Remove a session from the index of its principal, if it has one.
	 * @param record the session as it was indexed
	 */
	void remove(SessionRecord record) {
		String principal = record.principalName();
		if (principal != null) {
			FileOperations.delete(directory(principal).resolve(record.id()));
		}
	}

	/**
	 * Return the ids indexed under a principal.
	 * @param principalName the principal name
	 * @return the ids, some of which may no longer be that principal's sessions
	 */
	List<String> ids(String principalName) {
		return FileOperations.list(directory(principalName))
			.stream()
			.map((marker) -> marker.getFileName().toString())
			.filter(SessionIds::isValid)
			.toList();
	}

	/**
	 * Drop the markers of sessions that no longer exist, and principal directories left empty.
	 * A marker is dropped only when its session has no file under the session's record lock
	 * too: a save indexes a session before it writes the file, holding that lock. Files in the
	 * index that are not markers (not named by a valid session id, or not in a principal's
	 * directory) are left alone.
	 * @param exists whether a session id still has a file
	 * @param lock takes the record lock of a session id
	 */
	void clean(Predicate<String> exists, Function<String, HeldLock> lock) {
		for (Path markers : FileOperations.list(this.root)) {
			if (!Files.isDirectory(markers, LinkOption.NOFOLLOW_LINKS)) {
				continue;
			}
			for (Path marker : FileOperations.list(markers)) {
				String id = marker.getFileName().toString();
				if (SessionIds.isValid(id) && !exists.test(id)) {
					try (HeldLock held = lock.apply(id)) {
						if (!exists.test(id)) {
							FileOperations.deleteQuietly(marker);
						}
					}
				}
			}
			try {
				Files.deleteIfExists(markers);
			}
			catch (IOException ex) {
				// Not empty, or in use: kept
			}
		}
	}

	private Path directory(String principalName) {
		try {
			byte[] name = principalName.getBytes(StandardCharsets.UTF_8);
			return this.root.resolve(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(name)));
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException("SHA-256 is not available", ex);
		}
	}

}
