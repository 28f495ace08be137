package dev.sessionstarter.serialization;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import org.springframework.core.serializer.support.SerializationFailedException;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.authority.AuthorityUtils;
import org.springframework.security.core.context.SecurityContextImpl;
import org.springframework.security.core.userdetails.User;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Tests for {@link JsonSessionSerializer}.
 */
class JsonSessionSerializerTests {

	private final JsonSessionSerializer serializer = new JsonSessionSerializer(
			List.of("dev.sessionstarter.serialization.JsonSessionSerializerTests*"), null);

	@Test
	void plainJsonTypesAreWrittenAsPlainJson() {
		assertThat(json("text")).isEqualTo("\"text\"");
		assertThat(json(42)).isEqualTo("42");
		assertThat(json(true)).isEqualTo("true");
		assertThat(json(1.5)).isEqualTo("1.5");
		assertThat(json(new ArrayList<>(List.of("a", 1)))).isEqualTo("[\"a\",1]");
		assertThat(json(42L)).isEqualTo("{\"@type\":\"java.lang.Long\",\"value\":42}");
	}

	@Test
	void valuesRoundTripWithTheirTypes() {
		Map<Object, Object> byNumber = new TreeMap<>(Map.of(1, "one", 2, List.of(3L, 4.0f)));
		assertRoundTrip(byNumber);
		assertRoundTrip(new LinkedList<>(List.of(1, 2L, "three", new HashMap<>(Map.of("x", (short) 5)))));
		assertRoundTrip(UUID.randomUUID());
		assertRoundTrip(LocalDate.of(2026, 1, 31));
		assertRoundTrip(Duration.ofMinutes(5));
		assertRoundTrip(Color.GREEN);
		assertRoundTrip(new Point(1, 2));
		assertThat((int[]) roundTrip(new int[] { 1, 2, 3 })).containsExactly(1, 2, 3);
	}

	@Test
	void unmodifiableCollectionsComeBackAsTheirMutableDefaults() {
		assertThat(roundTrip(List.of(1, 2))).isEqualTo(List.of(1, 2)).isInstanceOf(ArrayList.class);
		assertThat(roundTrip(Set.of("a"))).isEqualTo(Set.of("a"));
		assertThat(roundTrip(Map.of("k", 1L))).isEqualTo(Map.of("k", 1L));
	}

	@Test
	void typeOutsideTheAllowListIsRefusedWhenRead() {
		byte[] bytes = this.serializer.serialize(new Point(1, 2));
		JsonSessionSerializer strict = new JsonSessionSerializer(List.of(), null);
		assertThatExceptionOfType(SerializationFailedException.class).isThrownBy(() -> strict.deserialize(bytes))
			.withMessageContaining(Point.class.getName())
			.withMessageContaining("not allowed");
		byte[] forged = "{\"@type\":\"java.lang.ProcessBuilder\",\"value\":{}}".getBytes(StandardCharsets.UTF_8);
		assertThatExceptionOfType(SerializationFailedException.class).isThrownBy(() -> strict.deserialize(forged));
	}

	@Test
	void changedClassAndCorruptBytesFail() {
		byte[] changed = ("{\"@type\":\"" + Point.class.getName() + "\",\"value\":{\"x\":1,\"z\":3}}")
			.getBytes(StandardCharsets.UTF_8);
		assertThatExceptionOfType(SerializationFailedException.class)
			.isThrownBy(() -> this.serializer.deserialize(changed))
			.withMessageContaining("changed incompatibly");
		assertThatExceptionOfType(SerializationFailedException.class)
			.isThrownBy(() -> this.serializer.deserialize("{\"@type\":".getBytes(StandardCharsets.UTF_8)));
		assertThatExceptionOfType(SerializationFailedException.class)
			.isThrownBy(() -> this.serializer.deserialize(new byte[0]));
		assertThatExceptionOfType(SerializationFailedException.class)
			.isThrownBy(() -> this.serializer.deserialize("{\"a\":1}".getBytes(StandardCharsets.UTF_8)));
	}

	@Test
	void springSecurityContextRoundTripsWithSpringSecurityModules() {
		UsernamePasswordAuthenticationToken authentication = UsernamePasswordAuthenticationToken.authenticated(
				User.withUsername("alice").password("{noop}secret").roles("USER").build(), null,
				AuthorityUtils.createAuthorityList("ROLE_USER"));
		SecurityContextImpl context = new SecurityContextImpl(authentication);

		byte[] bytes = this.serializer.serialize(context);
		Object read = this.serializer.deserialize(bytes);

		assertThat(new String(bytes, StandardCharsets.UTF_8)).contains("\"alice\"");
		assertThat(read).isInstanceOf(SecurityContextImpl.class);
		assertThat(((SecurityContextImpl) read).getAuthentication().getName()).isEqualTo("alice");
		assertThat(((SecurityContextImpl) read).getAuthentication().getAuthorities())
			.extracting(GrantedAuthority::getAuthority)
			.containsExactly("ROLE_USER");
	}

	private void assertRoundTrip(Object value) {
		assertThat(roundTrip(value)).isEqualTo(value).hasSameClassAs(value);
	}

	private Object roundTrip(Object value) {
		return this.serializer.deserialize(this.serializer.serialize(value));
	}

	private String json(Object value) {
		return new String(this.serializer.serialize(value), StandardCharsets.UTF_8);
	}

	enum Color {

		RED, GREEN {
			@Override
			public String toString() {
				return "green";
			}
		}

	}

	record Point(int x, int y) {

	}

}
