package dev.sessionstarter.daemon;

import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import dev.sessionstarter.Closeables;
import dev.sessionstarter.daemon.protocol.DaemonAddress;
import dev.sessionstarter.daemon.protocol.FrameReader;
import dev.sessionstarter.daemon.protocol.Frames;
import dev.sessionstarter.daemon.protocol.Opcodes;
import dev.sessionstarter.daemon.protocol.WireInput;
import dev.sessionstarter.daemon.protocol.WireOutput;
import dev.sessionstarter.lock.SessionLock;
import dev.sessionstarter.store.StoredSession;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Renewals of the locks of long requests without retained locks ({@code RENEW}, protocol
 * version 7), against a real daemon process: with the daemon's own lease, named in its
 * {@code HELLO} answer (version 8), and across a daemon that did not know {@code RENEW} replaced
 * by one that does.
 */
class LockRenewalsIT {

	@RegisterExtension
	final Closeables closeables = new Closeables();

	private DaemonProcess daemon;

	private CountingProxy proxy;

	/**
	 * A lock taken with the daemon's default lease was renewed 20 s after it was taken, whatever
	 * that lease: under a daemon started with {@code --lock-lease=2s} a request longer than 2 s
	 * lost its lock to another that waited. The client learns the lease ({@code HELLO}, version 8)
	 * and renews from half of it.
	 */
	@Test
	void aLongRequestKeepsItsLockUnderADaemonWhoseDefaultLeaseIsShort() throws Exception {
		longRequestUnderTheDefaultLease("2s", 1);
	}

	/**
	 * The renewal timer ran every second whatever the lease it renews: under a daemon started with
	 * {@code --lock-lease=900ms} each renewal came a second after the previous one, after the lease
	 * it gave had ended, and the request lost its lock to another that waited. The timer runs every
	 * quarter of the shortest lease it renews.
	 */
	@Test
	void aLongRequestKeepsItsLockUnderADaemonWhoseDefaultLeaseIsShorterThanTheRenewalPeriod() throws Exception {
		longRequestUnderTheDefaultLease("900ms", 4);
	}

	/**
	 * The lease a daemon named was kept after that daemon was replaced by one with a shorter
	 * {@code --lock-lease}: without retained locks nothing but a read-only request asks
	 * {@code HELLO} again, so a request that saves lost its lock under the new daemon, renewed
	 * from half the old lease. The client asks again once a connection broke.
	 */
	@Test
	void aLongRequestKeepsItsLockAfterTheDaemonWasReplacedByOneWithAShorterLease() throws Exception {
		startDaemon("--lock-lease=60s");
		RetainingClient first = app(Duration.ZERO);
		// the renewal timer asked for the lease
		Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> this.proxy.count(Opcodes.HELLO) > 0);
		int port = this.daemon.address().port();
		this.daemon.close();
		this.daemon = DaemonProcess.start(String.valueOf(port), "--lock-lease=2s");
		this.closeables.add(this.daemon);
		RetainingClient second = app(Duration.ZERO);
		String id = newSession(second);
		// the store's connections to the replaced daemon are retried
		Awaitility.await()
			.atMost(Duration.ofSeconds(30))
			.ignoreExceptions()
			.until(() -> first.repository.findById(id) != null);
		SessionLock lock = Awaitility.await()
			.atMost(Duration.ofSeconds(30))
			.ignoreExceptions()
			.until(() -> first.locks.tryLock(id, Duration.ofSeconds(5)), (taken) -> taken != null);
		StoredSession session = first.repository.findById(id);
		keepsItsLockWhileAnotherWaits(first, second, id, lock, session, 1);
	}

	/**
	 * The default lease is added to the answer to the {@code HELLO} of a version 8 client only: an
	 * older client reads the version and may expect nothing after it.
	 */
	@Test
	void helloNamesTheDefaultLeaseToAVersion8ClientOnly() throws Exception {
		startDaemon("--lock-lease=2s");
		try (SocketChannel channel = this.daemon.address().connect()) {
			FrameReader reader = new FrameReader();
			Frames.write(channel, WireOutput.frame(Opcodes.HELLO).writeInt(7));
			WireInput older = reader.read(channel);
			assertThat(older.readByte()).isEqualTo(Opcodes.OK);
			assertThat(older.readInt()).isEqualTo(Opcodes.PROTOCOL_VERSION);
			older.requireEnd();
			Frames.write(channel, WireOutput.frame(Opcodes.HELLO).writeInt(Opcodes.LEASE_IN_HELLO_VERSION));
			WireInput current = reader.read(channel);
			assertThat(current.readByte()).isEqualTo(Opcodes.OK);
			assertThat(current.readInt()).isEqualTo(Opcodes.PROTOCOL_VERSION);
			assertThat(current.readLong()).isEqualTo(2000);
			current.requireEnd();
		}
	}

	/**
	 * A daemon answered {@code RENEW} as unknown (older than version 7) once: the client renewed
	 * nothing from then on, also after that daemon was replaced by a current one.
	 */
	@Test
	void renewalsResumeOnceTheDaemonKnowsRenew() throws Exception {
		startDaemon();
		this.proxy.refuse(Opcodes.RENEW);
		RetainingClient first = app(Duration.ofSeconds(1));
		RetainingClient second = app(Duration.ZERO);
		String id = newSession(second);
		SessionLock lock = first.locks.tryLock(id, Duration.ofSeconds(5));
		assertThat(lock).isNotNull();
		Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> this.proxy.count(Opcodes.RENEW) > 0);
		lock.release();
		// the daemon now knows RENEW
		this.proxy.refuse();
		int refused = this.proxy.count(Opcodes.RENEW);
		SessionLock later = first.locks.tryLock(id, Duration.ofSeconds(5));
		assertThat(later).isNotNull();
		try {
			Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> this.proxy.count(Opcodes.RENEW) > refused);
		}
		finally {
			later.release();
		}
	}

	private CompletableFuture<Integer> increment(RetainingClient app, String id) {
		return CompletableFuture.supplyAsync(() -> {
			try {
				return app.increment(id);
			}
			catch (InterruptedException ex) {
				throw new IllegalStateException(ex);
			}
		});
	}

	private String newSession(RetainingClient app) {
		StoredSession session = app.repository.createSession();
		app.repository.save(session);
		return session.getId();
	}

	/**
	 * A request of one client runs under a lock taken with the daemon's default lease (a daemon
	 * started with {@code --lock-lease=<lease>}) while another waits for it.
	 */
	private void longRequestUnderTheDefaultLease(String lease, int renewals) throws Exception {
		startDaemon("--lock-lease=" + lease);
		RetainingClient first = app(Duration.ZERO);
		RetainingClient second = app(Duration.ZERO);
		String id = newSession(second);
		SessionLock lock = first.locks.tryLock(id, Duration.ofSeconds(5));
		assertThat(lock).isNotNull();
		keepsItsLockWhileAnotherWaits(first, second, id, lock, first.repository.findById(id), renewals);
	}

	/**
	 * While {@code second} waits for the lock {@code first}'s request runs under, that lock is
	 * renewed {@code renewals} times (several leases long) before any lease ends; then
	 * {@code first}'s save goes through and {@code second} counts on from it.
	 */
	private void keepsItsLockWhileAnotherWaits(RetainingClient first, RetainingClient second, String id,
			SessionLock lock, StoredSession session, int renewals) throws Exception {
		CompletableFuture<Integer> other = increment(second, id);
		// whichever comes first
		Awaitility.await()
			.atMost(Duration.ofSeconds(30))
			.until(() -> this.proxy.count(Opcodes.RENEW) >= renewals
					|| second.storeClient.stats().leaseExpiries() > 0);
		assertThat(second.storeClient.stats().leaseExpiries()).isZero();
		assertThat(other).isNotDone();
		session.setAttribute("count", 1);
		first.repository.save(session);
		lock.release();
		assertThat(other.get(30, TimeUnit.SECONDS)).isEqualTo(2);
	}

	private void startDaemon(String... arguments) throws Exception {
		this.daemon = DaemonProcess.start(String.valueOf(DaemonProcess.freePort()), arguments);
		this.closeables.add(this.daemon);
		this.proxy = new CountingProxy(this.daemon.address().port());
		this.closeables.add(this.proxy);
	}

	/**
	 * An application without retained locks whose lock manager goes through the proxy.
	 * @param lease the lease it asks for, {@link Duration#ZERO} for the daemon's
	 */
	private RetainingClient app(Duration lease) {
		RetainingClient app = new RetainingClient(this.daemon.address(),
				DaemonAddress.parse(String.valueOf(this.proxy.port())), Duration.ZERO, Duration.ofSeconds(5), lease);
		this.closeables.add(app);
		return app;
	}

}
