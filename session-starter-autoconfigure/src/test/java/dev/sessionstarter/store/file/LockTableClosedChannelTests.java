package dev.sessionstarter.store.file;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.lang.reflect.Field;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.fail;
import static org.awaitility.Awaitility.await;

/**
 * The striped held bytes when the lock file's channel is closed under threads that lock ids of
 * different stripes (what an interrupt delivered during an OS lock call does: the JDK closes the
 * channel, every other thread in a lock call gets a {@code ClosedChannelException}). A thread
 * that went on to reopen the file holding its stripe's monitor, while the reopen forgot the
 * bytes held under every stripe's monitor, deadlocked with another (found by a hostile review):
 * the file is now reopened, and the bytes of the closed channel forgotten, under no stripe's
 * monitor.
 */
class LockTableClosedChannelTests {

	private static final int THREADS = 8;

	private static final int ROUNDS = 30;

	@TempDir
	Path dir;

	@Test
	void channelClosedUnderThreadsOfDifferentStripesDoesNotDeadlock() throws Exception {
		LockTable table = LockTable.open(this.dir.toRealPath());
		try {
			List<String> ids = idsOfDistinctStripes(table, THREADS);
			Field lockFileField = LockTable.class.getDeclaredField("lockFile");
			lockFileField.setAccessible(true);
			LockFile lockFile = (LockFile) lockFileField.get(table);
			for (int round = 0; round < ROUNDS; round++) {
				CyclicBarrier start = new CyclicBarrier(THREADS + 1);
				List<CompletableFuture<Void>> done = new ArrayList<>();
				for (String id : ids) {
					CompletableFuture<Void> future = new CompletableFuture<>();
					Thread thread = new Thread(() -> {
						try {
							start.await();
							AutoCloseable lock = table.acquire(id, LockKind.REQUEST,
									TimeUnit.SECONDS.toNanos(10));
							if (lock != null) {
								lock.close();
							}
							future.complete(null);
						}
						catch (Throwable ex) {
							future.completeExceptionally(ex);
						}
					}, "locker-" + id);
					thread.setDaemon(true);
					thread.start();
					done.add(future);
				}
				// what an interrupt during an OS lock call does to the shared channel
				lockFile.opened().channel.close();
				start.await();
				CompletableFuture<Void> all = CompletableFuture.allOf(done.toArray(CompletableFuture[]::new));
				try {
					await().atMost(Duration.ofSeconds(60)).until(all::isDone);
				}
				catch (ConditionTimeoutException ex) {
					fail("Round " + round + ": lockers did not finish; deadlocked threads: " + deadlocked());
				}
			}
		}
		finally {
			table.close();
		}
	}

	private static String deadlocked() {
		ThreadMXBean threads = ManagementFactory.getThreadMXBean();
		long[] ids = threads.findDeadlockedThreads();
		if (ids == null) {
			return "none found";
		}
		return Arrays.stream(threads.getThreadInfo(ids, true, true))
			.map(LockTableClosedChannelTests::describe)
			.collect(Collectors.joining("\n"));
	}

	private static String describe(ThreadInfo info) {
		StringBuilder text = new StringBuilder("\n").append(info.getThreadName())
			.append(" waits for ")
			.append(info.getLockName())
			.append(" held by ")
			.append(info.getLockOwnerName());
		for (StackTraceElement frame : info.getStackTrace()) {
			if (frame.getClassName().startsWith("dev.sessionstarter")) {
				text.append("\n\tat ").append(frame);
			}
		}
		return text.toString();
	}

	/** Ids whose slots fall in different stripes of the held bytes (64 stripes by slot). */
	private static List<String> idsOfDistinctStripes(LockTable table, int count) {
		List<String> ids = new ArrayList<>();
		Set<Integer> stripes = new HashSet<>();
		while (ids.size() < count) {
			String id = UUID.randomUUID().toString();
			if (stripes.add(table.slot(id) & 63)) {
				ids.add(id);
			}
		}
		return ids;
	}

}
