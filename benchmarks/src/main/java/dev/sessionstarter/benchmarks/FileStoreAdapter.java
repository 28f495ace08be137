package dev.sessionstarter.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.List;

import org.springframework.util.FileSystemUtils;

import dev.sessionstarter.serialization.EncryptingSessionSerializer;
import dev.sessionstarter.serialization.JavaSessionSerializer;
import dev.sessionstarter.serialization.JsonSessionSerializer;
import dev.sessionstarter.serialization.SessionSerializer;
import dev.sessionstarter.store.StoreSessionRepository;
import dev.sessionstarter.store.StoredSession;
import dev.sessionstarter.store.file.FileFormat;
import dev.sessionstarter.store.file.FileSessionStore;

/**
 * Our {@code file} store as {@code sessions.store=file} configures it: a
 * {@link StoreSessionRepository} over a {@link FileSessionStore} in a fresh directory, no fsync
 * (the default), every attribute decoded on load; the JDK serializer for {@code format: binary},
 * the JSON serializer for {@code format: json}. Each save is a read, merge and atomic rewrite
 * (temp file and rename) under the session's OS file lock. {@link #close()} deletes the directory.
 */
final class FileStoreAdapter extends RepositoryAdapter<StoredSession> {

	private final FileSessionStore store;

	private final Path dir;

	private FileStoreAdapter(StoreSessionRepository repository, FileSessionStore store, Path dir) {
		super(repository);
		this.store = store;
		this.dir = dir;
	}

	/**
	 * Create the adapter over a new directory.
	 * @param parent where to create the directory (tmpfs or disk)
	 * @param format the file format
	 * @return the adapter
	 * @throws IOException if the directory cannot be created
	 */
	static FileStoreAdapter create(Path parent, FileFormat format) throws IOException {
		return create(parent, format, false);
	}

	/**
	 * Create the adapter over a new directory, its values encrypted or not.
	 * @param parent where to create the directory (tmpfs or disk)
	 * @param format the file format ({@code binary} when encrypted)
	 * @param encrypted whether values are encrypted with a random 256-bit key, as
	 * {@code sessions.encryption.key} does
	 * @return the adapter
	 * @throws IOException if the directory cannot be created
	 */
	static FileStoreAdapter create(Path parent, FileFormat format, boolean encrypted) throws IOException {
		Path dir = Files.createTempDirectory(parent, "file-store-benchmark-");
		FileSessionStore store = new FileSessionStore(dir, format, false);
		SessionSerializer serializer = (format == FileFormat.JSON) ? new JsonSessionSerializer(List.of(), null)
				: new JavaSessionSerializer(List.of(), null);
		if (encrypted) {
			byte[] key = new byte[32];
			new SecureRandom().nextBytes(key);
			serializer = new EncryptingSessionSerializer(serializer, List.of(key));
		}
		StoreSessionRepository repository = new StoreSessionRepository(store, serializer);
		repository.setDecodeOnLoad(true);
		return new FileStoreAdapter(repository, store, dir);
	}

	@Override
	public long size() {
		return this.store.usage().sessions();
	}

	@Override
	public void close() throws IOException {
		this.store.close();
		FileSystemUtils.deleteRecursively(this.dir);
	}

}
