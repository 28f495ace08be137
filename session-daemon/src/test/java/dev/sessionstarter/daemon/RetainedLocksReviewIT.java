package dev.sessionstarter.daemon;

import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import dev.sessionstarter.Closeables;
import dev.sessionstarter.daemon.client.DaemonClient;
import dev.sessionstarter.daemon.client.DaemonHeldLocks;
import dev.sessionstarter.daemon.protocol.DaemonAddress;
import dev.sessionstarter.daemon.protocol.Opcodes;
import dev.sessionstarter.daemon.protocol.WireOutput;
import dev.sessionstarter.lock.SessionLock;
import dev.sessionstarter.store.StoredSession;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Hostile review of retained daemon locks (protocol version 6), against a real daemon process.
 */
class RetainedLocksReviewIT {

	@RegisterExtension
	final Closeables closeables = new Closeables();

	private DaemonProcess daemon;

	/**
	 * The daemon tells the holder that another wants its lock while the holder's SAVE_RETAIN
	 * answer is still on its way: the notice lands on the retained lock the request took
	 * (same token), then the save's answer replaces it by a new, unwanted one, and the
	 * request's end keeps it. The other waits the whole retention instead of being served.
	 */
	@Test
	void noticeArrivingWhileTheSaveAnswerIsInFlightIsNotLost() throws Exception {
		startDaemon();
		CountingProxy proxy = new CountingProxy(this.daemon.address().port());
		this.closeables.add(proxy);
		RetainingClient holder = app(DaemonAddress.parse(String.valueOf(proxy.port())), this.daemon.address(),
				Duration.ofSeconds(20));
		RetainingClient reader = app(this.daemon.address(), this.daemon.address(), Duration.ZERO);
		String id = newSession(holder);
		assertThat(holder.increment(id)).isEqualTo(1);
		// the returning request takes the retained lock without a call; its save's answer is held back
		SessionLock lock = holder.locks.tryLock(id, Duration.ofSeconds(5));
		StoredSession session = holder.repository.findById(id);
		session.setAttribute("count", 2);
		proxy.hold();
		CompletableFuture<Void> save = CompletableFuture.runAsync(() -> {
			holder.repository.save(session);
			lock.release();
		});
		Awaitility.await().atMost(Duration.ofSeconds(10))
			.until(() -> Integer.valueOf(2).equals(reader.repository.findById(id).getAttribute("count")));
		// another asks for the lock (one LOCK, one notice) while the answer is held
		CompletableFuture<Long> other = CompletableFuture.supplyAsync(() -> rawLock(reader.lockClient, id, 6000));
		Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> retentionWanted(holder.heldLocks, id));
		proxy.open();
		save.get(10, TimeUnit.SECONDS);
		// the holder released the lock at the end of its request: the other gets it well before 20s
		assertThat(other.get(30, TimeUnit.SECONDS)).as("token of the other's LOCK (0 = TIMEOUT after 6s)")
			.isNotZero();
	}

	/**
	 * A free lock taken retained (LOCK_RETAIN) gets the retention as its lease, not the lock
	 * lease (the daemon's 60s here): a request that runs longer than the retention loses its
	 * lock while it runs, another request of the session runs meanwhile, and the first one's
	 * save (not fenced) overwrites it: an update is lost.
	 */
	@Test
	void requestLongerThanTheRetentionDoesNotLoseAnUpdate() throws Exception {
		startDaemon();
		RetainingClient first = app(this.daemon.address(), this.daemon.address(), Duration.ofSeconds(1));
		RetainingClient second = app(this.daemon.address(), this.daemon.address(), Duration.ZERO);
		String id = newSession(first);
		SessionLock lock = first.locks.tryLock(id, Duration.ofSeconds(5));
		StoredSession session = first.repository.findById(id);
		Integer count = session.getAttribute("count");
		CompletableFuture<Integer> other = CompletableFuture.supplyAsync(() -> {
			try {
				return second.increment(id);
			}
			catch (InterruptedException ex) {
				throw new IllegalStateException(ex);
			}
		});
		// the first request runs for up to 3s (three retentions), less than the 60s lock lease
		try {
			Awaitility.await().atMost(Duration.ofSeconds(3)).until(other::isDone);
		}
		catch (ConditionTimeoutException ex) {
			// the other waited for the lock, as it must
		}
		session.setAttribute("count", ((count != null) ? count : 0) + 1);
		boolean refused = false;
		try {
			first.repository.save(session);
		}
		catch (RuntimeException ex) {
			// a fenced save refused for a lock lost meanwhile is no silent loss either
			refused = true;
		}
		lock.release();
		other.get(30, TimeUnit.SECONDS);
		if (!refused) {
			assertThat((Integer) second.repository.findById(id).getAttribute("count"))
				.as("count after two increments, the first one's save accepted").isEqualTo(2);
		}
	}

	/**
	 * A client that retained locks and went away (killed, crashed, scaled down) without
	 * releasing them: their leases end, but nothing ever forgets them (nor its Retainer), as
	 * nobody asks for those sessions again (sticky sessions of a dead node). A connection's
	 * locks, by contrast, are forgotten when it closes.
	 */
	@Test
	void locksOfAClientThatWentAwayAreForgottenOnceTheirLeaseEnds() throws Exception {
		startDaemon();
		DaemonClient gone = new DaemonClient(this.daemon.address(), Duration.ofSeconds(5), 4, 4, null);
		for (int i = 0; i < 100; i++) {
			byte status = gone.call(WireOutput.frame(Opcodes.LOCK_RETAIN)
				.writeString("retained-by-a-dead-client-" + i)
				.writeLong(0)
				.writeLong(1000)
				.writeLong(4242)
				.writeLong(-1), (answer, payload) -> {
					payload.readLong();
					payload.readByte();
					return answer;
				});
			assertThat(status).isEqualTo(Opcodes.OK);
		}
		gone.close();
		DaemonClient observer = new DaemonClient(this.daemon.address(), Duration.ofSeconds(5), 4, 4, null);
		this.closeables.add(observer);
		assertThat(observer.stats().locks()).isEqualTo(100);
		Awaitility.await().atMost(Duration.ofSeconds(15)).until(() -> observer.stats().locks() == 0);
	}

	/**
	 * Another client releases, with its token, a lock a client retains (an old token, a tool):
	 * the daemon tells the holder, which stops trusting its copy and reads the session anew.
	 */
	@Test
	void unlockByAnotherClientEndsTheHoldersTrust() throws Exception {
		startDaemon();
		RetainingClient holder = app(this.daemon.address(), this.daemon.address(), Duration.ofSeconds(20));
		RetainingClient other = app(this.daemon.address(), this.daemon.address(), Duration.ZERO);
		String id = newSession(holder);
		assertThat(holder.increment(id)).isEqualTo(1);
		long token = retainedToken(holder.heldLocks, id);
		assertThat(token).isNotZero();
		byte status = other.lockClient.call(WireOutput.frame(Opcodes.UNLOCK).writeString(id).writeLong(token),
				(answer, payload) -> answer);
		assertThat(status).isEqualTo(Opcodes.OK);
		Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> retainedToken(holder.heldLocks, id) == 0);
		StoredSession session = other.repository.findById(id);
		session.setAttribute("count", 10);
		other.repository.save(session);
		assertThat(holder.increment(id)).isEqualTo(11);
	}

	private static long retainedToken(DaemonHeldLocks heldLocks, String id) throws Exception {
		Method retainedLocks = DaemonHeldLocks.class.getDeclaredMethod("retained");
		retainedLocks.setAccessible(true);
		Object locks = retainedLocks.invoke(heldLocks);
		Field field = locks.getClass().getDeclaredField("retained");
		field.setAccessible(true);
		Object lock = ((Map<?, ?>) field.get(locks)).get(id);
		if (lock == null) {
			return 0;
		}
		Method token = lock.getClass().getDeclaredMethod("token");
		token.setAccessible(true);
		return (Long) token.invoke(lock);
	}

	private static long rawLock(DaemonClient client, String id, long waitMillis) {
		return client.call(WireOutput.frame(Opcodes.LOCK).writeString(id).writeLong(waitMillis).writeLong(0),
				(status, payload) -> (status == Opcodes.OK) ? payload.readLong() : 0L);
	}

	private static boolean retentionWanted(DaemonHeldLocks heldLocks, String id) throws Exception {
		Method get = DaemonHeldLocks.class.getDeclaredMethod("get", String.class);
		get.setAccessible(true);
		Object held = get.invoke(heldLocks, id);
		if (held == null) {
			return false;
		}
		Method retention = held.getClass().getDeclaredMethod("retention");
		retention.setAccessible(true);
		Object lock = retention.invoke(held);
		if (lock == null) {
			return false;
		}
		Method wanted = lock.getClass().getDeclaredMethod("isWanted");
		wanted.setAccessible(true);
		return (Boolean) wanted.invoke(lock);
	}

	private String newSession(RetainingClient app) {
		StoredSession session = app.repository.createSession();
		app.repository.save(session);
		Awaitility.await().atMost(Duration.ofSeconds(30)).until(app::noticesUp);
		return session.getId();
	}

	private void startDaemon() throws Exception {
		this.daemon = DaemonProcess.start(String.valueOf(DaemonProcess.freePort()));
		this.closeables.add(this.daemon);
	}

	private RetainingClient app(DaemonAddress store, DaemonAddress locks, Duration retain) {
		RetainingClient app = new RetainingClient(store, locks, retain, Duration.ofSeconds(30));
		this.closeables.add(app);
		return app;
	}

}
