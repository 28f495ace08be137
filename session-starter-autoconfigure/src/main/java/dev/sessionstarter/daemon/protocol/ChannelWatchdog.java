package dev.sessionstarter.daemon.protocol;

import java.io.Closeable;
import java.io.IOException;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.jspecify.annotations.Nullable;

/**
 * Enforces deadlines on blocking channel operations: one thread checks the armed
 * {@link Guard guards} every tick and closes the channel of any that is past its deadline,
 * which ends a blocked read, write or connect at once. Arming and disarming are two volatile
 * writes, so a deadline costs nothing on the fast path; it fires within one tick of being due.
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
	 * The deadline of one channel.
	 */
	public final class Guard {

		private final Closeable channel;

		private volatile long deadline;

		private volatile boolean armed;

		private volatile boolean fired;

		Guard(Closeable channel) {
			this.channel = channel;
		}

		/**
		 * Set a deadline from now.
		 * @param timeoutNanos the time allowed, in nanoseconds
		 */
		public void arm(long timeoutNanos) {
			this.deadline = System.nanoTime() + timeoutNanos;
			this.armed = true;
		}

		/**
		 * Set a deadline at an absolute {@link System#nanoTime()} value.
		 * @param deadlineNanos the deadline
		 */
		public void armAt(long deadlineNanos) {
			this.deadline = deadlineNanos;
			this.armed = true;
		}

		/**
		 * Clear the deadline.
		 */
		public void disarm() {
			this.armed = false;
		}

		/**
		 * Whether the deadline passed and the channel was closed because of it.
		 * @return {@code true} if this guard fired
		 */
		public boolean fired() {
			return this.fired;
		}

		/**
		 * Stop watching the channel.
		 */
		public void release() {
			ChannelWatchdog.this.guards.remove(this);
		}

		void check(long now) {
			if (this.armed && now - this.deadline >= 0) {
				this.fired = true;
				this.armed = false;
				try {
					this.channel.close();
				}
				catch (IOException ex) {
					// closing is all that is wanted
				}
			}
		}

	}

}
