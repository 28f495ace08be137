package dev.sessionstarter.store;

import org.jspecify.annotations.Nullable;

/**
 * One change a request made to an attribute of a {@link StoredSession}: its new value, or
 * {@code null} for a removal. Compared by identity: every set is a new change, even of the same
 * value, so that a save removes only the changes it wrote, not one made meanwhile.
 */
final class AttributeChange {

	final @Nullable Object value;

	AttributeChange(@Nullable Object value) {
		this.value = value;
	}

}
