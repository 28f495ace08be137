package dev.sessionstarter.autoconfigure;

import java.time.Duration;

import org.jspecify.annotations.Nullable;

import org.springframework.util.unit.DataSize;

/**
 * The checks the configurations make of the {@code sessions.*} values they use, so that a bad
 * setting stops startup with an {@link InvalidSessionsPropertyException} that names it and
 * shows a good value.
 */
final class SettingsCheck {

	private SettingsCheck() {
	}

	static void positive(String property, @Nullable Duration value, String example) {
		if (value == null || value.isNegative() || value.isZero()) {
			throw new InvalidSessionsPropertyException(property, value,
					"must be a positive duration, such as " + example);
		}
	}

	static void notNegative(String property, @Nullable Duration value, String example) {
		if (value == null || value.isNegative()) {
			throw new InvalidSessionsPropertyException(property, value,
					"must be zero or a positive duration, such as " + example);
		}
	}

	static void positive(String property, @Nullable DataSize value, String example) {
		if (value == null || value.toBytes() <= 0) {
			throw new InvalidSessionsPropertyException(property, value,
					"must be greater than zero, such as " + example);
		}
	}

	static void positive(String property, long value, String example) {
		if (value <= 0) {
			throw new InvalidSessionsPropertyException(property, value,
					"must be greater than zero, such as " + example);
		}
	}

	static void fraction(String property, double value, String example) {
		if (!(value > 0 && value <= 1)) {
			throw new InvalidSessionsPropertyException(property, value,
					"must be a fraction greater than 0 and at most 1, such as " + example);
		}
	}

}
