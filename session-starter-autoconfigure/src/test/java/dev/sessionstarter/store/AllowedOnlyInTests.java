package dev.sessionstarter.store;

import java.io.Serializable;

/**
 * An attribute type that only the tests' serializers allow.
 *
 * @param value a value
 */
public record AllowedOnlyInTests(String value) implements Serializable {

}
