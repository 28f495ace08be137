package dev.sessionstarter.store.memory;

import java.util.concurrent.locks.ReentrantLock;

import org.jspecify.annotations.Nullable;

/**
 * The order in which a {@link MemorySessionStore} evicts: its entries in two lists, anonymous
 * sessions and sessions with a principal, each from the least recently saved to the most, so
 * that finding the next session to evict and moving a saved one to the end are constant work,
 * however many sessions the store holds (the access-ordered deque of Caffeine and of
 * {@link java.util.LinkedHashMap}).
 *
 * <p>Thread-safe: every change and read takes one short lock; the store calls
 * {@link #replace} inside the map operation that replaces an entry, so the lists hold exactly
 * the entries of the map.
 */
final class AccessOrder {

	private final ReentrantLock lock = new ReentrantLock();

	private final Node anonymous = Node.list();

	private final Node principals = Node.list();

	/**
	 * Put {@code after} at the most recent end of its list in place of {@code before}.
	 * @param before the node leaving, or {@code null}
	 * @param after the node arriving, or {@code null}
	 * @param principal whether {@code after} belongs to a principal
	 */
	void replace(@Nullable Node before, @Nullable Node after, boolean principal) {
		this.lock.lock();
		try {
			if (before != null) {
				before.unlink();
			}
			if (after != null) {
				after.linkBefore(principal ? this.principals : this.anonymous);
			}
		}
		finally {
			this.lock.unlock();
		}
	}

	/**
	 * Return the node to evict next: the least recently saved anonymous one, else the least
	 * recently saved one with a principal.
	 * @return the node, or {@code null} if there is none
	 */
	@Nullable Node eldest() {
		this.lock.lock();
		try {
			Node eldest = this.anonymous.next;
			if (eldest == this.anonymous) {
				eldest = this.principals.next;
			}
			return (eldest != this.principals) ? eldest : null;
		}
		finally {
			this.lock.unlock();
		}
	}

	/**
	 * A place in one of the lists; a list is a circular one headed by a node of its own.
	 */
	static class Node {

		private Node prev = this;

		private Node next = this;

		static Node list() {
			return new Node();
		}

		private void linkBefore(Node head) {
			this.prev = head.prev;
			this.next = head;
			head.prev.next = this;
			head.prev = this;
		}

		private void unlink() {
			this.prev.next = this.next;
			this.next.prev = this.prev;
			this.prev = this;
			this.next = this;
		}

	}

}
