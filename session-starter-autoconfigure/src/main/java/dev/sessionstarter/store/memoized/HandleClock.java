package dev.sessionstarter.store.memoized;

import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;

import org.jspecify.annotations.Nullable;

/**
 * Which handle a cache gives up, and its giving up, when the delegate offers it no more (the file store maps at
 * most 16,384 files, and a cache may hold more sessions): a second-chance clock over the held
 * handles, so that sessions read once and never again do not keep the handles from the sessions
 * in use. The hand goes round the handles, clearing the mark of each it passes that was used
 * since it last passed, and stops at the first one that was not; it looks at a few handles at
 * most, so with every handle in use it finds none, and a session beyond the delegate's bound
 * goes without a handle rather than take one from a session in use.
 */
final class HandleClock {

	/**
	 * How many handles the hand looks at, at most, for one not used since it last passed.
	 */
	private static final int SCAN = 16;

	private final Map<String, HeldHandle> held;

	private final Stripes stripes;

	/**
	 * Where the hand stopped; guarded by this.
	 */
	private @Nullable Iterator<Map.Entry<String, HeldHandle>> hand;

	HandleClock(Map<String, HeldHandle> held, Stripes stripes) {
		this.held = held;
		this.stripes = stripes;
	}

	/**
	 * Close the handle of a session not used lately, so that a delegate that allows a bounded
	 * number of handles can open one for a session in use; under that session's stripe, which
	 * is only tried: a session in use now is not the one to give up, and a thread that holds a
	 * stripe waits for no other. The session stays cached, and gets a handle again when it is
	 * used again.
	 * @return {@code true} if a handle was closed
	 */
	boolean closeOneUnused() {
		Map.Entry<String, HeldHandle> victim = nextUnused();
		if (victim == null) {
			return false;
		}
		ReentrantLock stripe = this.stripes.of(victim.getKey());
		if (!stripe.tryLock()) {
			return false;
		}
		try {
			if (!this.held.remove(victim.getKey(), victim.getValue())) {
				return false;
			}
			victim.getValue().handle.close();
			return true;
		}
		finally {
			stripe.unlock();
		}
	}

	/**
	 * Move the hand to the next handle not used since it last passed.
	 * @return the id and its handle, or {@code null} if the handles it looked at were all used
	 */
	private synchronized Map.@Nullable Entry<String, HeldHandle> nextUnused() {
		for (int i = 0; i < SCAN; i++) {
			if (this.hand == null || !this.hand.hasNext()) {
				this.hand = this.held.entrySet().iterator();
				if (!this.hand.hasNext()) {
					return null;
				}
			}
			Map.Entry<String, HeldHandle> entry = this.hand.next();
			if (!entry.getValue().clearUse()) {
				return entry;
			}
		}
		return null;
	}

}
