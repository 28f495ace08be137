package dev.sessionstarter.store.memory;

import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;

import org.jspecify.annotations.Nullable;

/**
 * The order in which a {@link MemorySessionStore} evicts: its entries in two lists, anonymous
 * sessions and sessions with a principal, each from the least recently moved to the most, so
 * that finding the next session to evict and moving a saved one to the end are constant work,
 * however many sessions the store holds (the access-ordered deque of Caffeine and of
 * {@link java.util.LinkedHashMap}).
 *
 * <p>A saved session is moved to the most recent end unless it is already among the most
 * recently moved eighth of the sessions ({@link #isRecent}): moving it there again would change
 * the order only among those, and each move takes the one lock and touches the nodes on both
 * sides of it, scattered over the heap. So the order is least recently saved first, except that
 * a session saved again while among the last eighth moved keeps its place there; a store of
 * fewer than eight sessions keeps the exact order.
 *
 * <p>Thread-safe: every change of the lists takes one short lock; the store calls
 * {@link #moveToEnd} and {@link #remove} inside the map operation that stores or removes an
 * entry, so the lists hold exactly the entries of the map. {@link #isRecent} takes no lock.
 */
final class AccessOrder {

	private final ReentrantLock lock = new ReentrantLock();

	private final Node anonymous = Node.list();

	private final Node principals = Node.list();

	/**
	 * How many moves to an end there were, modulo 2^32; a node's stamp is this count at its last
	 * move, so {@code moves - stamp}, unsigned, is how many moves ago that was, modulo 2^32 (a
	 * node left unmoved for a multiple of 2^32 moves, or up to an eighth of the nodes more,
	 * counts as recent for that save).
	 */
	private volatile int moves;

	/** How many nodes both lists hold. */
	private volatile int size;

	/**
	 * Whether a node is in the list {@code principal} names and among the most recently moved
	 * eighth of the nodes (the last one moved, at least), so that it need not move again.
	 * @param node a node in one of the lists
	 * @param principal whether the node is to be in the list of sessions with a principal
	 * @return whether moving the node to the end can be left out
	 */
	boolean isRecent(Node node, boolean principal) {
		return node.principal == principal && Integer.compareUnsigned(this.moves - node.stamp, this.size >> 3) <= 0;
	}

	/**
	 * Put a node at the most recent end of a list, taking it out of the one it is in, if any.
	 * @param node the node
	 * @param principal whether the node belongs to a principal
	 */
	void moveToEnd(Node node, boolean principal) {
		this.lock.lock();
		try {
			if (node.next != node) {
				node.unlink();
			}
			else {
				this.size++;
			}
			node.principal = principal;
			node.linkBefore(principal ? this.principals : this.anonymous);
			int moves = this.moves + 1;
			node.stamp = moves;
			this.moves = moves;
		}
		finally {
			this.lock.unlock();
		}
	}

	/**
	 * Take a node out of its list.
	 * @param node a node in one of the lists
	 */
	void remove(Node node) {
		this.lock.lock();
		try {
			node.unlink();
			this.size--;
		}
		finally {
			this.lock.unlock();
		}
	}

	/**
	 * Read the node to evict next: the least recently moved anonymous one, else the least
	 * recently moved one with a principal. It is read under the lock that moves take, so what is
	 * read is what the node held while it was the eldest, if the store changes the node only
	 * after moving it.
	 * @param <T> what is read
	 * @param read what to read of the node
	 * @return what was read, or {@code null} if there is no node
	 */
	<T> @Nullable T eldest(Function<Node, T> read) {
		this.lock.lock();
		try {
			Node eldest = this.anonymous.next;
			if (eldest == this.anonymous) {
				eldest = this.principals.next;
			}
			return (eldest != this.principals) ? read.apply(eldest) : null;
		}
		finally {
			this.lock.unlock();
		}
	}

	/**
	 * A place in one of the lists; a list is a circular one headed by a node of its own, and a
	 * node in no list links to itself.
	 */
	static class Node {

		private Node prev = this;

		private Node next = this;

		private volatile int stamp;

		private volatile boolean principal;

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
