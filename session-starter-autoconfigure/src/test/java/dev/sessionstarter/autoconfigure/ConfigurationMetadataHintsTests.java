package dev.sessionstarter.autoconfigure;

import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.session.FlushMode;
import org.springframework.session.SaveMode;

import dev.sessionstarter.lock.LockTimeoutAction;
import dev.sessionstarter.store.file.FileFormat;
import dev.sessionstarter.store.memoized.Coherence;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Pins the value hints of {@code additional-spring-configuration-metadata.json}, which an IDE
 * offers for completion, against the enums the properties bind to, so that a store, lock
 * manager or mode added to the code is also offered (and described) to users.
 */
class ConfigurationMetadataHintsTests {

	private static final String METADATA = "/META-INF/additional-spring-configuration-metadata.json";

	static List<Arguments> enumProperties() {
		return List.of(Arguments.of("sessions.store", StoreType.class),
				Arguments.of("sessions.lock.manager", LockManagerType.class),
				Arguments.of("sessions.lock.on-timeout", LockTimeoutAction.class),
				Arguments.of("sessions.memoized.delegate", MemoizedDelegate.class),
				Arguments.of("sessions.memoized.coherence", Coherence.class),
				Arguments.of("sessions.serializer", SerializerType.class),
				Arguments.of("sessions.file.format", FileFormat.class),
				Arguments.of("sessions.save-mode", SaveMode.class),
				Arguments.of("sessions.flush-mode", FlushMode.class));
	}

	@ParameterizedTest
	@MethodSource("enumProperties")
	void hintsOfferEveryValueOfTheEnumWithADescription(String property, Class<? extends Enum<?>> type)
			throws Exception {
		List<String> expected = new ArrayList<>();
		for (Enum<?> constant : type.getEnumConstants()) {
			expected.add(constant.name().toLowerCase(Locale.ROOT).replace('_', '-'));
		}
		JsonNode hint = hint(property);
		List<String> offered = new ArrayList<>();
		for (JsonNode value : hint.get("values")) {
			offered.add(value.get("value").asString());
			assertThat(value.get("description").asString()).as("description of %s", value).isNotBlank();
		}
		assertThat(offered).containsExactlyInAnyOrderElementsOf(expected);
	}

	@Test
	void everyHintNamesAPropertyOfTheStarter() throws Exception {
		for (JsonNode hint : metadata().get("hints")) {
			assertThat(hint.get("name").asString()).startsWith("sessions.");
		}
	}

	private static JsonNode hint(String property) throws Exception {
		for (JsonNode hint : metadata().get("hints")) {
			if (hint.get("name").asString().equals(property)) {
				return hint;
			}
		}
		throw new AssertionError("No hint for " + property + " in " + METADATA);
	}

	private static JsonNode metadata() throws Exception {
		try (InputStream in = ConfigurationMetadataHintsTests.class.getResourceAsStream(METADATA)) {
			assertThat(in).as(METADATA).isNotNull();
			return JsonMapper.builder().build().readTree(in);
		}
	}

}
