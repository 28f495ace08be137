package dev.sessionstarter.store.memoized;

import java.nio.file.Path;
import java.time.Duration;

import dev.sessionstarter.lock.SessionLock;
import dev.sessionstarter.store.file.FileSessionLockManager;

/**
 * The main class of the child JVM that {@link MemoizedExclusiveFileProcessTests} starts, a second
 * process on the same session directory: {@code trylock <dir> <id>...} tries to take the cache
 * file lock of each id for 200ms (as its own exclusive cache would), prints {@code locked} or {@code busy} for each, releases what it
 * took and stops.
 */
public final class MemoizedChildProcess {

	private MemoizedChildProcess() {
	}

	public static void main(String[] args) throws Exception {
		try (FileSessionLockManager locks = FileSessionLockManager.forCache(Path.of(args[1]))) {
			for (int i = 2; i < args.length; i++) {
				SessionLock lock = locks.tryLock(args[i], Duration.ofMillis(200));
				System.out.println((lock != null) ? "locked" : "busy");
				if (lock != null) {
					lock.release();
				}
			}
		}
	}

}
