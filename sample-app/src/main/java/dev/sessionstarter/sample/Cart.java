package dev.sessionstarter.sample;

import java.io.Serial;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;

/**
 * The items a user put in the cart, kept in the session. It is a class of the application's
 * own package, which session-starter's serializer allows without configuration.
 */
public final class Cart implements Serializable {

	@Serial
	private static final long serialVersionUID = 1L;

	/** The most items one cart holds, so one session stays small. */
	static final int MAX_ITEMS = 50;

	private final ArrayList<String> items = new ArrayList<>();

	/**
	 * Add an item.
	 * @param item the item
	 * @throws IllegalStateException if the cart already holds {@link #MAX_ITEMS} items
	 */
	void add(String item) {
		if (this.items.size() >= MAX_ITEMS) {
			throw new IllegalStateException("A cart holds at most " + MAX_ITEMS + " items");
		}
		this.items.add(item);
	}

	/**
	 * Return the items, oldest first.
	 * @return the items
	 */
	public List<String> getItems() {
		return List.copyOf(this.items);
	}

}
