package dev.sessionstarter.store.file;

import java.nio.file.Path;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * What this JVM has open on each of some files, shared by every user and counted: made by the
 * first {@link #open} of a path and closed by the last matching {@link #close}. Thread-safe.
 *
 * @param <T> what is kept open on a file
 */
final class SharedFiles<T> {

	private final ConcurrentHashMap<Path, Shared<T>> open = new ConcurrentHashMap<>();

	/**
	 * Return what is open on a file, opening it if nothing is, and count one more user.
	 * @param file the file
	 * @param opener opens the file
	 * @return what is open on it
	 */
	T open(Path file, Function<Path, T> opener) {
		return this.open.compute(file, (path, shared) -> {
			Shared<T> result = (shared != null) ? shared : new Shared<>(opener.apply(path));
			result.users++;
			return result;
		}).value;
	}

	/**
	 * Count one user less; the last one closes it.
	 * @param file the file
	 * @param closer closes what is open on it
	 */
	void close(Path file, Runnable closer) {
		this.open.computeIfPresent(file, (path, shared) -> {
			if (--shared.users > 0) {
				return shared;
			}
			closer.run();
			return null;
		});
	}

	private static final class Shared<T> {

		final T value;

		int users;

		Shared(T value) {
			this.value = value;
		}

	}

}
