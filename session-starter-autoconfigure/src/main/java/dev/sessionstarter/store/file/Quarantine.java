package dev.sessionstarter.store.file;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;

import org.jspecify.annotations.Nullable;

/**
 * Where a directory's unreadable session files go: {@code <dir>/.quarantine/} (owner-only),
 * each named {@code <file>.<time>-<random>} so that none replaces another, logged once and
 * counted; the session is then treated as absent. Shared by the file store and the session
 * daemon's storage directory. Thread-safe.
 */
public final class Quarantine {

	/**
	 * The name of the quarantine directory in the session directory.
	 */
	static final String DIR = ".quarantine";

	private final Path dir;

	private final Consumer<String> warnings;

	private final LongAdder moved = new LongAdder();

	/**
	 * Create the quarantine of a directory; its folder is created when first needed.
	 * @param directory the session directory
	 * @param warnings where the warning about each moved file goes (a logger's {@code warn})
	 */
	public Quarantine(SessionDirectory directory, Consumer<String> warnings) {
		this.dir = directory.path().resolve(DIR);
		this.warnings = warnings;
	}

	/**
	 * Move an unreadable file into the quarantine folder, count it and log it.
	 * @param file a file of the session directory
	 * @param reason why it cannot be read
	 * @throws UncheckedIOException if it exists and cannot be moved
	 */
	public void move(Path file, @Nullable String reason) {
		Path target = this.dir.resolve(file.getFileName() + "." + System.currentTimeMillis() + "-"
				+ Integer.toHexString(ThreadLocalRandom.current().nextInt()));
		try {
			FileOperations.ensureOwnDirectory(this.dir);
			Files.move(file, target, StandardCopyOption.ATOMIC_MOVE);
		}
		catch (NoSuchFileException ex) {
			return;
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot move unreadable session file " + file + " to " + this.dir, ex);
		}
		this.moved.increment();
		this.warnings.accept("Session file " + file.getFileName() + " is unreadable (" + reason + "); moved it to "
				+ target + " and the session is treated as absent");
	}

	/**
	 * Return how many files this quarantine has moved.
	 * @return the number since it was created
	 */
	public long count() {
		return this.moved.sum();
	}

}
