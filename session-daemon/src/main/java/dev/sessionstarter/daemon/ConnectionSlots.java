package dev.sessionstarter.daemon;

import java.io.IOException;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import dev.sessionstarter.daemon.protocol.ChannelWatchdog;

/**
 * The connections the daemon serves, and the choice of one to close when a new one arrives at
 * the connection limit: the one that has waited the longest for its next request (or, silent
 * since it connected, for its first); never one whose request is being read or served, nor one
 * holding a lock whose lease still runs. The closing goes through the
 * connection's deadline guard ({@link ChannelWatchdog.Guard#fireNow()}), so it is decided
 * atomically against the arrival of a request: a request that is read is always answered.
 * Thread-safe.
 */
final class ConnectionSlots {

	private static final Comparator<Candidate> EVICTION_ORDER = (first,
			second) -> Long.signum(first.waitingSince() - second.waitingSince());

	private final Set<Slot> open = ConcurrentHashMap.newKeySet();

	/**
	 * Note a connection being served.
	 * @param channel its channel
	 * @param guard its deadline guard
	 * @param owner the owner of its locks
	 * @return its slot
	 */
	Slot add(SocketChannel channel, ChannelWatchdog.Guard guard, LockOwner owner) {
		Slot slot = new Slot(channel, guard, owner);
		this.open.add(slot);
		return slot;
	}

	void remove(Slot slot) {
		this.open.remove(slot);
	}

	/**
	 * Close one silent or idle connection to make room for a new one.
	 * @return whether one was closed
	 */
	boolean evictOne() {
		List<Candidate> candidates = new ArrayList<>();
		for (Slot slot : this.open) {
			if (slot.waiting && !slot.guard.fired() && slot.owner.remainingLeaseNanos() == 0) {
				candidates.add(new Candidate(slot, slot.waitingSince));
			}
		}
		candidates.sort(EVICTION_ORDER);
		for (Candidate candidate : candidates) {
			if (candidate.slot().guard.fireNow()) {
				return true;
			}
		}
		return false;
	}

	/**
	 * Close every connection.
	 */
	void closeAll() {
		for (Slot slot : this.open) {
			try {
				slot.channel.close();
			}
			catch (IOException ex) {
				// stopping anyway
			}
		}
	}

	/**
	 * A slot that may be closed, with what it was when looked at (the sort needs fixed values).
	 */
	private record Candidate(Slot slot, long waitingSince) {
	}

	/**
	 * One connection, as the accept thread sees it.
	 */
	static final class Slot {

		final SocketChannel channel;

		final ChannelWatchdog.Guard guard;

		final LockOwner owner;

		private volatile boolean waiting;

		private volatile long waitingSince;

		/**
		 * Create the slot of a connection just accepted: it waits for its first request.
		 */
		Slot(SocketChannel channel, ChannelWatchdog.Guard guard, LockOwner owner) {
			this.channel = channel;
			this.guard = guard;
			this.owner = owner;
			waiting();
		}

		/**
		 * Note that the connection waits for its next request.
		 */
		void waiting() {
			this.waitingSince = System.nanoTime();
			this.waiting = true;
		}

		/**
		 * Note that a request arrived and is being served.
		 */
		void serving() {
			this.waiting = false;
		}

	}

}
