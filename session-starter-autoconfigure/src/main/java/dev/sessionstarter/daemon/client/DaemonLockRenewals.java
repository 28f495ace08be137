package dev.sessionstarter.daemon.client;

import java.util.Collection;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import dev.sessionstarter.daemon.protocol.Opcodes;
import dev.sessionstarter.daemon.protocol.WireOutput;

/**
 * Keeps the request locks of the requests that run long ({@code RENEW}, protocol version 7):
 * one timer per {@link DaemonHeldLocks}, which every period renews, with one call each, the
 * locks held by a running request whose lease, or this process's trust in a retained one, ends
 * within the next period; a retained lock is trusted for half the retention again from when its
 * renewal was sent. A request shorter than that (half the retention for a retained lock, half the
 * lease for another) costs no call. A lock taken with the daemon's default lease is renewed from
 * half of that lease, which the daemon names in its {@code HELLO} answer (protocol version 8): the
 * latest answer any connection of the client read; when locks are taken with it, this timer asks
 * at its start and again once a connection broke ({@link DaemonLeaseQuery}); until one named it
 * (a daemon older than version 8), from {@link #DEFAULT_LEASE_RENEW_NANOS}.
 * A renewal that finds the lock lost changes nothing but the trust: the request's save is
 * refused (fenced) as before. A daemon that does not know {@code RENEW} (older than version 7)
 * is logged once; that lock is not renewed again, and the next long request's lock is tried
 * anew, so renewals resume once a current daemon replaced it. The period is a quarter of the
 * retention (between 0.25 s and 1 s; 1 s without a retention), and at most a quarter of the lease
 * locks are taken with (the daemon's, once known), so that a lease shorter than a second is renewed
 * before it ends.
 */
final class DaemonLockRenewals implements AutoCloseable {

	private static final Log logger = LogFactory.getLog(DaemonSessionLockManager.class);

	/**
	 * When a lock taken with the daemon's default lease is renewed while that lease is unknown (a
	 * daemon older than version 8; its default is 60 s unless set).
	 */
	static final long DEFAULT_LEASE_RENEW_NANOS = TimeUnit.SECONDS.toNanos(20);

	private static final long MAX_PERIOD_NANOS = TimeUnit.SECONDS.toNanos(1);

	private static final long MIN_PERIOD_NANOS = TimeUnit.MILLISECONDS.toNanos(250);

	/**
	 * The shortest period, for a lease under 0.2 s.
	 */
	private static final long MIN_LEASE_PERIOD_NANOS = TimeUnit.MILLISECONDS.toNanos(50);

	private final DaemonClient client;

	private final List<Collection<HeldDaemonLock>> held;

	private final @Nullable DaemonRetainedLocks retained;

	/**
	 * The period the retention asks for, before the lease shortens it.
	 */
	private final long periodNanos;

	/**
	 * The lease locks are taken with, in milliseconds; 0 for the daemon's default.
	 */
	private final long leaseMillis;

	private final ScheduledExecutorService timer;

	/**
	 * Asks for the daemon's default lease, if locks are taken with it; only the timer's thread uses it.
	 */
	private final @Nullable DaemonLeaseQuery leaseQuery;

	private volatile boolean refusalLogged;

	DaemonLockRenewals(DaemonClient client, List<Collection<HeldDaemonLock>> held,
			@Nullable DaemonRetainedLocks retained, long leaseMillis) {
		this.client = client;
		this.held = held;
		this.retained = retained;
		this.leaseMillis = leaseMillis;
		this.leaseQuery = (leaseMillis == 0) ? new DaemonLeaseQuery(client) : null;
		long period = (retained != null) ? retained.retainMillis() * 1_000_000 / 4 : MAX_PERIOD_NANOS;
		this.periodNanos = Math.max(MIN_PERIOD_NANOS, Math.min(MAX_PERIOD_NANOS, period));
		this.timer = Executors.newSingleThreadScheduledExecutor((task) -> {
			Thread thread = new Thread(task, "session-daemon-lock-renewals-" + client.getAddress());
			thread.setDaemon(true);
			return thread;
		});
	}

	/**
	 * Return when a lock taken with a lease is renewed.
	 * @param sentAt when its lock call, or its latest renewal, was sent, a {@link System#nanoTime()} value
	 * @param leaseMillis the lease, {@code 0} for the daemon's default
	 * @param daemonLeaseMillis the daemon's default lease, {@code 0} if unknown
	 * @return a {@link System#nanoTime()} value
	 */
	static long renewAt(long sentAt, long leaseMillis, long daemonLeaseMillis) {
		long lease = (leaseMillis > 0) ? leaseMillis : daemonLeaseMillis;
		return sentAt + ((lease > 0) ? TimeUnit.MILLISECONDS.toNanos(lease) / 2 : DEFAULT_LEASE_RENEW_NANOS);
	}

	/**
	 * Return the period of the timer.
	 * @param periodNanos the period the retention asks for
	 * @param leaseMillis the lease locks are taken with, or the daemon's default lease; 0 if unknown
	 * @return the period in nanoseconds: at most a quarter of the lease
	 */
	static long periodNanos(long periodNanos, long leaseMillis) {
		if (leaseMillis <= 0) {
			return periodNanos;
		}
		return Math.min(periodNanos, Math.max(MIN_LEASE_PERIOD_NANOS, TimeUnit.MILLISECONDS.toNanos(leaseMillis) / 4));
	}

	void start() {
		// with the daemon's lease, the first run asks for it at once (before the first request most
		// often), so that the period after it is already at most a quarter of that lease
		schedule((this.leaseQuery != null) ? 0 : currentPeriodNanos());
	}

	private long currentPeriodNanos() {
		return periodNanos(this.periodNanos, (this.leaseMillis > 0) ? this.leaseMillis : this.client.daemonLeaseMillis());
	}

	/**
	 * Run the timer once after a delay, and again after the period then current (the daemon's
	 * lease may be learned, or change, meanwhile).
	 */
	private void schedule(long delayNanos) {
		try {
			this.timer.schedule(() -> {
				try {
					renewDue();
				}
				finally {
					schedule(currentPeriodNanos());
				}
			}, delayNanos, TimeUnit.NANOSECONDS);
		}
		catch (RejectedExecutionException ex) {
			// closed
		}
	}

	/**
	 * Renew the locks whose lease or trust ends within the next period.
	 */
	void renewDue() {
		DaemonLeaseQuery leaseQuery = this.leaseQuery;
		if (leaseQuery != null) {
			leaseQuery.askIfDue();
		}
		long daemonLease = this.client.daemonLeaseMillis();
		long horizon = System.nanoTime() + currentPeriodNanos();
		for (Collection<HeldDaemonLock> locks : this.held) {
			renewDue(locks, horizon, daemonLease);
		}
	}

	private void renewDue(Collection<HeldDaemonLock> locks, long horizon, long daemonLease) {
		for (HeldDaemonLock lock : locks) {
			if (lock.isReleasedBySave() || lock.isLost() || lock.isRenewRefused()) {
				continue;
			}
			RetainedDaemonLock retention = lock.retention();
			long renewAt = (retention != null) ? retention.trustedUntil() : lock.renewAt(daemonLease);
			if (renewAt - horizon > 0) {
				continue;
			}
			try {
				renew(lock, retention);
			}
			catch (RuntimeException ex) {
				// the daemon did not answer: the next period tries again, the save is fenced if it is lost
				if (logger.isDebugEnabled()) {
					logger.debug("Could not renew the request lock of a session: " + ex.getMessage());
				}
			}
		}
	}

	private void renew(HeldDaemonLock lock, @Nullable RetainedDaemonLock retention) {
		DaemonRetainedLocks retained = this.retained;
		long leaseMillis = (retention != null && retained != null) ? retained.retainMillis() : lock.leaseMillis();
		WireOutput request = WireOutput.frame(Opcodes.RENEW)
			.writeString(lock.sessionId())
			.writeLong(lock.token())
			.writeLong(leaseMillis);
		long sentAt = System.nanoTime();
		boolean held;
		try {
			held = this.client.call(request, (status, payload) -> {
				if (status == Opcodes.ERROR) {
					String message = payload.readString();
					if (Opcodes.isUnknownOperation(message)) {
						throw new FreeDaemonLocks.UnknownOperationException(message);
					}
					throw new IllegalStateException("The session daemon refused RENEW: " + message);
				}
				DaemonAnswers.expect(Opcodes.OK, status, payload, Opcodes.RENEW);
				boolean renewed = payload.readBoolean();
				payload.requireEnd();
				return renewed;
			});
		}
		catch (FreeDaemonLocks.UnknownOperationException ex) {
			lock.renewRefused();
			if (!this.refusalLogged) {
				this.refusalLogged = true;
				logger.info("The session daemon at " + this.client.getAddress() + " predates protocol version 7 ("
						+ ex.getMessage() + "): a request keeps its lock only for the lease, or half the retention");
			}
			return;
		}
		if (!held) {
			lock.lost();
			if (retention != null && retained != null) {
				retained.lost(retention);
			}
			return;
		}
		if (retention != null) {
			retention.trustUntil(sentAt + TimeUnit.MILLISECONDS.toNanos(leaseMillis) / 2);
		}
		else {
			lock.renewedFrom(sentAt);
		}
	}

	@Override
	public void close() {
		this.timer.shutdownNow();
	}

}
