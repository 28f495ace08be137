package dev.sessionstarter.daemon.protocol;

import java.io.Closeable;
import java.io.IOException;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import org.jspecify.annotations.Nullable;

/**
 * Enforces deadlines on blocking channel operations: one thread checks the armed
 * {@link Guard guards} every tick and closes the channel of any that is past its deadline,
 * which ends a blocked read, write or connect at once. Arming and disarming are a volatile
 * write and a compare-and-set, so a deadline costs next to nothing on the fast path; it fires
 * within one tick of being due.
 */
public final class ChannelWatchdog implements AutoCloseable {

	private final Set<Guard> guards = ConcurrentHashMap.newKeySet();

	private final String name;

	private final long tickMillis;

	private @Nullable Thread thread;

	private volatile boolean closed;

	/**
	 * Create a watchdog; its thread starts with the first guard.
	 * @param name the thread name
	 * @param tick how often deadlines are checked
	 */
	public ChannelWatchdog(String name, Duration tick) {
		this.name = name;
		this.tickMillis = Math.max(1, tick.toMillis());
	}

	/**
	 * Watch a channel.
	 * @param channel what to close when a deadline passes
	 * @return the guard, disarmed
	 */
	public Guard guard(Closeable channel) {
		Guard guard = new Guard(channel);
		this.guards.add(guard);
		startIfNecessary();
		return guard;
	}

	private synchronized void startIfNecessary() {
		if (this.thread == null && !this.closed) {
			Thread thread = new Thread(this::run, this.name);
			thread.setDaemon(true);
			thread.start();
			this.thread = thread;
		}
	}

	private void run() {
		while (!this.closed) {
			try {
				Thread.sleep(this.tickMillis);
			}
			catch (InterruptedException ex) {
				return;
			}
			long now = System.nanoTime();
			for (Guard guard : this.guards) {
				guard.check(now);
			}
		}
	}

	@Override
	public synchronized void close() {
		this.closed = true;
		if (this.thread != null) {
			this.thread.interrupt();
		}
	}

	/**
	 * The deadline of one channel. Firing and disarming are decided once, atomically: after
	 * {@link #disarm()} returned {@code true} the guard cannot close the channel for that arming,
	 * and once it fired it stays fired (arming it again does nothing).
	 */
	public final class Guard {

		private static final long DISARMED = 0;

		private static final long ARMED = 1;

		private static final long FIRED = 2;

		private final Closeable channel;

		private volatile long deadline;

		/**
		 * The arming generation (all bits but the last two) and the state (the last two), so
		 * that a check that read an earlier arming cannot fire a later one.
		 */
		private final AtomicLong state = new AtomicLong(DISARMED);

		Guard(Closeable channel) {
			this.channel = channel;
		}

		/**
		 * Set a deadline from now.
		 * @param timeoutNanos the time allowed, in nanoseconds
		 */
		public void arm(long timeoutNanos) {
			armAt(System.nanoTime() + timeoutNanos);
		}

		/**
		 * Set a deadline at an absolute {@link System#nanoTime()} value.
		 * @param deadlineNanos the deadline
		 */
		public void armAt(long deadlineNanos) {
			this.deadline = deadlineNanos;
			while (true) {
				long current = this.state.get();
				if ((current & 3) == FIRED
						|| this.state.compareAndSet(current, (((current >>> 2) + 1) << 2) | ARMED)) {
					return;
				}
			}
		}

		/**
		 * Clear the deadline.
		 * @return {@code true} if the deadline is cleared, {@code false} if the guard had fired
		 * (the channel is closed or closing)
		 */
		public boolean disarm() {
			while (true) {
				long current = this.state.get();
				long status = current & 3;
				if (status == FIRED) {
					return false;
				}
				if (status == DISARMED || this.state.compareAndSet(current, (current & ~3L) | DISARMED)) {
					return true;
				}
			}
		}

		/**
		 * Fire now if armed, closing the channel as if its deadline had passed; nothing happens
		 * if the guard is disarmed (its owner is busy with what the deadline guarded) or fired.
		 * @return whether this call fired the guard
		 */
		public boolean fireNow() {
			long current = this.state.get();
			if ((current & 3) == ARMED && this.state.compareAndSet(current, (current & ~3L) | FIRED)) {
				closeChannel();
				return true;
			}
			return false;
		}

		/**
		 * Whether the deadline passed and the channel was closed because of it.
		 * @return {@code true} if this guard fired
		 */
		public boolean fired() {
			return (this.state.get() & 3) == FIRED;
		}

		/**
		 * Stop watching the channel.
		 */
		public void release() {
			ChannelWatchdog.this.guards.remove(this);
		}

		void check(long now) {
			long current = this.state.get();
			if ((current & 3) == ARMED && now - this.deadline >= 0
					&& this.state.compareAndSet(current, (current & ~3L) | FIRED)) {
				closeChannel();
			}
		}

		private void closeChannel() {
			try {
				this.channel.close();
			}
			catch (IOException ex) {
				// closing is all that is wanted
			}
		}

	}

}
