package dev.sessionstarter.daemon;

import java.time.Duration;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import dev.sessionstarter.Closeables;
import dev.sessionstarter.daemon.protocol.DaemonAddress;
import dev.sessionstarter.lock.SessionLock;
import dev.sessionstarter.store.StoredSession;
import dev.sessionstarter.store.redis.FencedSaveException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * What a client that retains locks goes through when its notice connection ({@code WANTED})
 * goes down, against a real daemon process: the daemon seemed frozen for a moment (the client's
 * watchdog closed the connection), or it is down for a while.
 */
class NoticeOutageIT {

	@RegisterExtension
	final Closeables closeables = new Closeables();

	private DaemonProcess daemon;

	/**
	 * A request runs under a lock it took (LOCK_RETAIN) when the daemon's answers stop for longer
	 * than the notice call's deadline: the client's watchdog closes the notice connection, which the
	 * daemon reads as the client's side closing it, and releases every lock of that client, the
	 * running request's included (it cannot tell it from one kept after a read). Another client
	 * takes the lock and saves; the running request's save is then refused, and nothing is lost.
	 */
	@Test
	void aRequestRunningWhenTheNoticeConnectionClosesHasItsSaveRefusedAndLosesNothing() throws Exception {
		startDaemon();
		CountingProxy proxy = new CountingProxy(this.daemon.address().port());
		this.closeables.add(proxy);
		RetainingClient first = app(this.daemon.address(), DaemonAddress.parse(String.valueOf(proxy.port())),
				Duration.ofSeconds(6), Duration.ofSeconds(1));
		RetainingClient second = app(this.daemon.address(), this.daemon.address(), Duration.ZERO, Duration.ofSeconds(5));
		StoredSession created = second.repository.createSession();
		second.repository.save(created);
		String id = created.getId();
		Awaitility.await().atMost(Duration.ofSeconds(30)).until(first::noticesUp);
		SessionLock lock = first.locks.tryLock(id, Duration.ofSeconds(5));
		assertThat(lock).isNotNull();
		StoredSession session = first.repository.findById(id);
		long errors = first.lockClient.getErrorCount();
		proxy.hold();
		// the notice call passes its deadline and its connection is closed; then connecting again fails (counted)
		Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> first.lockClient.getErrorCount() > errors);
		proxy.open();
		Awaitility.await().atMost(Duration.ofSeconds(30)).until(first::noticesUp);
		assertThat(second.increment(id)).isEqualTo(1);
		session.setAttribute("count", 100);
		assertThatExceptionOfType(FencedSaveException.class).isThrownBy(() -> first.repository.save(session));
		lock.release();
		assertThat(second.read(id, "count")).isEqualTo(1);
	}

	/**
	 * While the daemon is down, the notice thread tried to connect again every half timeout and
	 * counted each failure in the client's errors ({@code sessions.daemon.errors}): some ten a
	 * second with a timeout of 200ms, though no request failed. An outage now counts once.
	 */
	@Test
	void aDaemonThatStaysDownCountsOneErrorForTheNoticeConnection() throws Exception {
		startDaemon();
		RetainingClient app = app(this.daemon.address(), this.daemon.address(), Duration.ofSeconds(2),
				Duration.ofMillis(200));
		Awaitility.await().atMost(Duration.ofSeconds(30)).until(app::noticesUp);
		long before = app.lockClient.getErrorCount();
		this.daemon.kill();
		Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> app.lockClient.getErrorCount() > before);
		Awaitility.await()
			.during(Duration.ofSeconds(3))
			.atMost(Duration.ofSeconds(10))
			.until(() -> app.lockClient.getErrorCount() == before + 1);
	}

	private void startDaemon() throws Exception {
		this.daemon = DaemonProcess.start(String.valueOf(DaemonProcess.freePort()));
		this.closeables.add(this.daemon);
	}

	private RetainingClient app(DaemonAddress store, DaemonAddress locks, Duration retain, Duration timeout) {
		RetainingClient app = new RetainingClient(store, locks, retain, timeout);
		this.closeables.add(app);
		return app;
	}

}
