package dev.sessionstarter.autoconfigure;

import org.jspecify.annotations.Nullable;

/**
 * Thrown at startup when a {@code sessions.*} property has a value the store cannot work with;
 * {@link InvalidSessionsPropertyFailureAnalyzer} turns it into a message that names it.
 */
public class InvalidSessionsPropertyException extends IllegalArgumentException {

	private final String property;

	private final @Nullable Object value;

	private final String requirement;

	/**
	 * Create an exception.
	 * @param property the property name, such as {@code sessions.memory.max-size}
	 * @param value the bad value
	 * @param requirement what a good value is, completing "the value ..."
	 */
	public InvalidSessionsPropertyException(String property, @Nullable Object value, String requirement) {
		super("Invalid value '" + value + "' for property '" + property + "': it " + requirement);
		this.property = property;
		this.value = value;
		this.requirement = requirement;
	}

	public String getProperty() {
		return this.property;
	}

	public @Nullable Object getValue() {
		return this.value;
	}

	public String getRequirement() {
		return this.requirement;
	}

}
