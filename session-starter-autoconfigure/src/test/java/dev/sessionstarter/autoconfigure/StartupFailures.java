package dev.sessionstarter.autoconfigure;

import org.springframework.boot.test.context.assertj.AssertableWebApplicationContext;
import org.springframework.boot.test.context.runner.ContextConsumer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What a bad {@code sessions.*} setting must do: stop startup with an
 * {@link InvalidSessionsPropertyException} that names the property.
 */
final class StartupFailures {

	private StartupFailures() {
	}

	static ContextConsumer<AssertableWebApplicationContext> failsNaming(String property) {
		return (context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).rootCause()
				.isInstanceOf(InvalidSessionsPropertyException.class)
				.hasMessageContaining(property);
		};
	}

	/**
	 * What a value a {@code sessions.*} property cannot take (an unknown enum constant, say)
	 * must do: stop startup with Spring Boot's binding failure, which names the property and
	 * the value.
	 * @param property the property
	 * @param value the value it was given
	 * @return the assertion
	 */
	static ContextConsumer<AssertableWebApplicationContext> failsToBind(String property, String value) {
		return (context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).hasStackTraceContaining(property).hasStackTraceContaining(value);
		};
	}

}
