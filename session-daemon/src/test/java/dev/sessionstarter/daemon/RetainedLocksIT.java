package dev.sessionstarter.daemon;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.sessionstarter.ChildJvm;
import dev.sessionstarter.daemon.protocol.DaemonAddress;
import dev.sessionstarter.daemon.protocol.Opcodes;
import dev.sessionstarter.lock.SessionLock;
import dev.sessionstarter.store.StoredSession;
import dev.sessionstarter.store.redis.FencedSaveException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Request locks retained by a client between requests ({@code sessions.daemon.lock-retain},
 * protocol version 6), against a real daemon process: the round trips they save, counted by a
 * proxy, and that no update is lost or hidden when two clients share a session.
 */
class RetainedLocksIT {

	private static final Duration RETAIN = Duration.ofSeconds(10);

	private final List<AutoCloseable> closeables = new ArrayList<>();

	private DaemonProcess daemon;

	private CountingProxy proxy;

	private boolean olderDaemon;

	@AfterEach
	void stop() throws Exception {
		for (int i = this.closeables.size() - 1; i >= 0; i--) {
			this.closeables.get(i).close();
		}
	}

	@Test
	void returningRequestUnderRetainedLockSendsOneRequestAndReadOnlyNone() throws Exception {
		RetainingClient client = throughProxy(RETAIN);
		String id = newSession(client);
		client.increment(id);
		this.proxy.reset();
		assertThat(client.increment(id)).isEqualTo(2);
		assertThat(this.proxy.requests()).containsExactlyEntriesOf(Map.of("SAVE_RETAIN", 1));
		this.proxy.reset();
		assertThat(client.read(id, "count")).isEqualTo(2);
		assertThat(this.proxy.requests()).isEmpty();
	}

	@Test
	void sessionOnlyReadCostsOneCallThenNone() throws Exception {
		RetainingClient client = throughProxy(RETAIN);
		String id = newSession(client);
		this.proxy.reset();
		assertThat(client.read(id, "count")).isNull();
		assertThat(this.proxy.requests()).containsExactlyEntriesOf(Map.of("LOCK_RETAIN", 1));
		this.proxy.reset();
		assertThat(client.read(id, "count")).isNull();
		assertThat(this.proxy.requests()).isEmpty();
	}

	@Test
	void daemonOlderThanVersion6GetsTheCallsOfVersion5() throws Exception {
		RetainingClient client = throughProxy(RETAIN, Opcodes.WANTED, Opcodes.CLIENT, Opcodes.SAVE_RETAIN);
		String id = newSession(client);
		client.increment(id);
		this.proxy.reset();
		assertThat(client.increment(id)).isEqualTo(2);
		assertThat(this.proxy.requests())
			.containsExactlyInAnyOrderEntriesOf(Map.of("LOCK_FIND_SINCE", 1, "SAVE_UNLOCK", 1));
	}

	@Test
	void twoClientsAlternatingOnOneSessionKeepEveryUpdate() throws Exception {
		startDaemon();
		RetainingClient first = client(RETAIN);
		RetainingClient second = client(RETAIN);
		String id = newSession(first);
		ExecutorService threads = Executors.newFixedThreadPool(8);
		try {
			List<Future<?>> done = new ArrayList<>();
			for (int t = 0; t < 8; t++) {
				int thread = t;
				done.add(threads.submit(() -> {
					for (int i = 0; i < 100; i++) {
						((thread + i) % 2 == 0 ? first : second).increment(id);
					}
					return null;
				}));
			}
			for (Future<?> future : done) {
				future.get();
			}
		}
		finally {
			threads.shutdownNow();
		}
		assertThat(first.read(id, "count")).isEqualTo(800);
		assertThat(second.read(id, "count")).isEqualTo(800);
	}

	@Test
	void aChangeByAnotherClientIsSeenByTheNextRequest() throws Exception {
		startDaemon();
		RetainingClient first = client(RETAIN);
		RetainingClient second = client(RETAIN);
		String id = newSession(first);
		assertThat(first.increment(id)).isEqualTo(1);
		assertThat(second.increment(id)).isEqualTo(2);
		assertThat(first.read(id, "count")).isEqualTo(2);
		assertThat(first.increment(id)).isEqualTo(3);
		assertThat(second.read(id, "count")).isEqualTo(3);
	}

	@Test
	void aWriteOutsideARequestByAnotherClientIsNotLostAndSeen() throws Exception {
		startDaemon();
		RetainingClient first = client(RETAIN);
		RetainingClient second = client(Duration.ZERO);
		String id = newSession(first);
		assertThat(first.increment(id)).isEqualTo(1);
		StoredSession outside = second.repository.findById(id);
		outside.setAttribute("note", "from outside");
		second.repository.save(outside);
		assertThat(first.read(id, "note")).isEqualTo("from outside");
		assertThat(first.increment(id)).isEqualTo(2);
		assertThat(second.read(id, "note")).isEqualTo("from outside");
		assertThat(second.read(id, "count")).isEqualTo(2);
	}

	@Test
	void aRequestDeletesItsSessionUnderARetainedLockAndNoCopyOutlivesIt() throws Exception {
		startDaemon();
		RetainingClient first = client(RETAIN);
		RetainingClient second = client(RETAIN);
		String id = newSession(first);
		assertThat(first.increment(id)).isEqualTo(1);
		first.delete(id);
		assertThat(first.repository.findById(id)).isNull();
		assertThat(second.repository.findById(id)).isNull();
		assertThat(first.exists(id)).isFalse();
		assertThat(second.exists(id)).isFalse();
	}

	@Test
	void aRequestLongerThanTheRetentionKeepsItsLockAndSaves() throws Exception {
		Duration retain = Duration.ofSeconds(2);
		RetainingClient first = throughProxy(retain);
		RetainingClient second = client(retain);
		String id = newSession(first);
		assertThat(first.increment(id)).isEqualTo(1);
		// a long request under the lock first retains (taken without a call), three retentions long
		assertThat(longRequestWhileAnotherWaits(first, second, id, 2, retain.multipliedBy(3))).isEqualTo(3);
		assertThat(first.read(id, "count")).isEqualTo(3);
		assertThat(second.storeClient.stats().leaseExpiries()).isZero();
		assertThat(this.proxy.count(Opcodes.RENEW)).isPositive();
	}

	@Test
	void aDaemonOlderThanVersion7RenewsNothingAndALongRequestLosesItsRetainedLockAsBefore() throws Exception {
		Duration retain = Duration.ofSeconds(2);
		RetainingClient first = throughProxy(retain, Opcodes.RENEW);
		RetainingClient second = client(this.daemon.address(), retain);
		String id = newSession(first);
		Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> first.noticesUp() && second.noticesUp());
		assertThat(first.increment(id)).isEqualTo(1);
		ExecutorService threads = Executors.newSingleThreadExecutor();
		try {
			SessionLock lock = first.locks.tryLock(id, Duration.ofSeconds(30));
			assertThat(lock).isNotNull();
			StoredSession session = first.repository.findById(id);
			session.setAttribute("count", 100);
			Future<Integer> other = threads.submit(() -> second.increment(id));
			assertThat(other.get(30, TimeUnit.SECONDS)).isEqualTo(2);
			assertThatExceptionOfType(FencedSaveException.class).isThrownBy(() -> first.repository.save(session));
			lock.release();
		}
		finally {
			threads.shutdownNow();
		}
		assertThat(second.read(id, "count")).isEqualTo(2);
		assertThat(this.proxy.count(Opcodes.RENEW)).isOne();
	}

	@Test
	void aRequestLongerThanItsLeaseWithoutRetentionKeepsItsLockAndSaves() throws Exception {
		startDaemon();
		Duration lease = Duration.ofSeconds(2);
		RetainingClient first = new RetainingClient(this.daemon.address(), this.daemon.address(), Duration.ZERO,
				Duration.ofSeconds(5), lease);
		this.closeables.add(first);
		RetainingClient second = client(Duration.ZERO);
		String id = newSession(first);
		assertThat(longRequestWhileAnotherWaits(first, second, id, 1, lease.multipliedBy(3))).isEqualTo(2);
		assertThat(second.storeClient.stats().leaseExpiries()).isZero();
	}

	/**
	 * Run a request of the first client that sets the session's count and saves it once it has
	 * lasted as long as given, while the second increments the count: the second must wait.
	 * @return the count the second's increment made
	 */
	private static int longRequestWhileAnotherWaits(RetainingClient first, RetainingClient second, String id,
			int count, Duration lasting) throws Exception {
		ExecutorService threads = Executors.newSingleThreadExecutor();
		try {
			SessionLock lock = first.locks.tryLock(id, Duration.ofSeconds(30));
			assertThat(lock).isNotNull();
			long start = System.nanoTime();
			StoredSession session = first.repository.findById(id);
			session.setAttribute("count", count);
			Future<Integer> other = threads.submit(() -> second.increment(id));
			Awaitility.await()
				.atMost(Duration.ofSeconds(60))
				.until(() -> System.nanoTime() - start > lasting.toNanos());
			assertThat(other).isNotDone();
			first.repository.save(session);
			lock.release();
			return other.get(30, TimeUnit.SECONDS);
		}
		finally {
			threads.shutdownNow();
		}
	}

	@Test
	void aRequestLongerThanItsLeaseUnderALockItWaitedForKeepsItsLock() throws Exception {
		startDaemon();
		Duration lease = Duration.ofSeconds(2);
		CountingProxy proxy = new CountingProxy(this.daemon.address().port());
		this.closeables.add(proxy);
		RetainingClient first = client(Duration.ZERO);
		RetainingClient second = new RetainingClient(this.daemon.address(),
				DaemonAddress.parse(String.valueOf(proxy.port())), Duration.ZERO, Duration.ofSeconds(5), lease);
		this.closeables.add(second);
		RetainingClient third = client(Duration.ZERO);
		String id = newSession(first);
		ExecutorService threads = Executors.newFixedThreadPool(2);
		try {
			SessionLock held = first.locks.tryLock(id, Duration.ofSeconds(30));
			assertThat(held).isNotNull();
			// the second waits for the first in the daemon (LOCK on a connection of its own), then runs three leases
			Future<SessionLock> waited = threads.submit(() -> second.locks.tryLock(id, Duration.ofSeconds(30)));
			Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> proxy.count(Opcodes.LOCK) > 0);
			held.release();
			SessionLock lock = waited.get(30, TimeUnit.SECONDS);
			assertThat(lock).isNotNull();
			long start = System.nanoTime();
			Future<Integer> other = threads.submit(() -> third.increment(id));
			Awaitility.await()
				.atMost(Duration.ofSeconds(60))
				.until(() -> System.nanoTime() - start > 3 * lease.toNanos());
			assertThat(other).isNotDone();
			lock.release();
			assertThat(other.get(30, TimeUnit.SECONDS)).isEqualTo(1);
		}
		finally {
			threads.shutdownNow();
		}
		assertThat(third.storeClient.stats().leaseExpiries()).isZero();
		assertThat(proxy.count(Opcodes.RENEW)).isPositive();
	}

	@Test
	void aStoppedHolderDelaysAnotherOnlyUntilItsRetentionEnds() throws Exception {
		startDaemon();
		RetainingClient other = client(RETAIN);
		String id = newSession(other);
		Process holder = child(RetainingHolderWorker.class, String.valueOf(this.daemon.address().port()), id, "2000");
		awaitLine(holder, "retained");
		signal("STOP", holder.pid());
		try {
			assertThat(other.increment(id)).isEqualTo(2);
			assertThat(other.storeClient.stats().leaseExpiries()).isEqualTo(1);
		}
		finally {
			signal("CONT", holder.pid());
		}
	}

	@Test
	void aKilledHolderReleasesItsRetainedLocksAtOnce() throws Exception {
		startDaemon();
		RetainingClient other = client(RETAIN);
		String id = newSession(other);
		// a retention longer than the other's lock wait (30 s): before, its request failed
		Process holder = child(RetainingHolderWorker.class, String.valueOf(this.daemon.address().port()), id,
				"120000");
		awaitLine(holder, "retained");
		signal("KILL", holder.pid());
		assertThat(holder.waitFor(30, TimeUnit.SECONDS)).isTrue();
		assertThat(other.increment(id)).isEqualTo(2);
		assertThat(other.storeClient.stats().leaseExpiries()).isZero();
	}

	private Process child(Class<?> main, String... arguments) throws Exception {
		Process process = new ProcessBuilder(ChildJvm.command(List.of("-Xmx128m"), main, arguments))
			.redirectErrorStream(true)
			.start();
		this.closeables.add(() -> {
			process.destroyForcibly();
			process.waitFor(30, TimeUnit.SECONDS);
		});
		return process;
	}

	private static void awaitLine(Process process, String expected) throws Exception {
		BufferedReader reader = new BufferedReader(new InputStreamReader(process.getInputStream()));
		String line;
		while ((line = reader.readLine()) != null) {
			if (line.equals(expected)) {
				return;
			}
		}
		throw new IllegalStateException("The child process ended without printing '" + expected + "'");
	}

	private static void signal(String signal, long pid) throws Exception {
		Process kill = new ProcessBuilder("kill", "-" + signal, String.valueOf(pid)).start();
		assertThat(kill.waitFor(30, TimeUnit.SECONDS)).isTrue();
		assertThat(kill.exitValue()).isZero();
	}

	private String newSession(RetainingClient client) {
		StoredSession session = client.repository.createSession();
		client.repository.save(session);
		awaitNotices();
		return session.getId();
	}

	/**
	 * Wait until every client's notice connection answered once: locks are retained from then on.
	 */
	private void awaitNotices() {
		if (this.olderDaemon) {
			Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> this.proxy.count(Opcodes.WANTED) > 0);
			return;
		}
		Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> this.closeables.stream()
			.filter(RetainingClient.class::isInstance)
			.map(RetainingClient.class::cast)
			.allMatch(RetainingClient::noticesUp));
	}

	private void startDaemon() throws Exception {
		this.daemon = DaemonProcess.start(String.valueOf(DaemonProcess.freePort()));
		this.closeables.add(this.daemon);
	}

	private RetainingClient throughProxy(Duration retain, byte... refused) throws Exception {
		startDaemon();
		this.proxy = new CountingProxy(this.daemon.address().port());
		this.proxy.refuse(refused);
		this.olderDaemon = refused.length > 0;
		this.closeables.add(this.proxy);
		return client(DaemonAddress.parse(String.valueOf(this.proxy.port())), retain);
	}

	private RetainingClient client(Duration retain) {
		return client(this.daemon.address(), retain);
	}

	private RetainingClient client(DaemonAddress address, Duration retain) {
		RetainingClient client = new RetainingClient(address, retain);
		this.closeables.add(client);
		return client;
	}

}
