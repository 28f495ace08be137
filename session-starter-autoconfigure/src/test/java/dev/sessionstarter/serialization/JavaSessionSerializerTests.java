package dev.sessionstarter.serialization;

import java.io.IOException;
import java.io.InputStream;
import java.io.Serializable;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import org.springframework.core.serializer.support.SerializationFailedException;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.authority.AuthorityUtils;
import org.springframework.security.core.context.SecurityContextImpl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

class JavaSessionSerializerTests {

	private final JavaSessionSerializer serializer = new JavaSessionSerializer(List.of(), null);

	@Test
	void writesStringsAndBoxedNumbersCompactly() {
		assertThat(this.serializer.serialize("héllo")).hasSize(1 + "héllo".getBytes(java.nio.charset.StandardCharsets.UTF_8).length);
		assertThat(this.serializer.serialize(7)).hasSize(5);
		assertThat(this.serializer.serialize(7L)).hasSize(9);
		assertThat(this.serializer.serialize(true)).hasSize(2);
		for (Object value : List.of("", "héllo", Integer.MIN_VALUE, Long.MAX_VALUE, true, false)) {
			assertThat(this.serializer.deserialize(this.serializer.serialize(value))).isEqualTo(value);
		}
	}

	/**
	 * The compact numbers are a tag and the value most significant byte first, the form files
	 * and daemons already hold.
	 */
	@Test
	void writesNumbersMostSignificantByteFirst() {
		assertThat(this.serializer.serialize(-2)).containsExactly(2, 0xFF, 0xFF, 0xFF, 0xFE);
		assertThat(this.serializer.serialize(0x01020304)).containsExactly(2, 1, 2, 3, 4);
		assertThat(this.serializer.serialize(0x0102030405060708L)).containsExactly(3, 1, 2, 3, 4, 5, 6, 7, 8);
		for (long value : new long[] { 0, 1, -1, 255, 256, -129, Integer.MAX_VALUE, Integer.MIN_VALUE,
				Long.MAX_VALUE, Long.MIN_VALUE, 0x80_00_00_00_00L }) {
			assertThat(this.serializer.deserialize(this.serializer.serialize(value))).isEqualTo(value);
			assertThat(this.serializer.deserialize(this.serializer.serialize((int) value))).isEqualTo((int) value);
		}
	}

	@Test
	void roundTripsJdkValueTypesAndCollections() {
		Map<String, Object> nested = new HashMap<>(Map.of("list", new ArrayList<>(List.of(1, "two")), "date",
				LocalDate.of(2026, 11, 22), "amount", new BigDecimal("12.50")));
		assertThat(this.serializer.deserialize(this.serializer.serialize(nested))).isEqualTo(nested);
	}

	@Test
	void roundTripsASpringSecurityContext() {
		SecurityContextImpl context = new SecurityContextImpl(UsernamePasswordAuthenticationToken.authenticated("alice",
				null, AuthorityUtils.createAuthorityList("ROLE_USER")));
		SecurityContextImpl read = (SecurityContextImpl) this.serializer.deserialize(this.serializer.serialize(context));
		assertThat(read.getAuthentication().getName()).isEqualTo("alice");
	}

	@Test
	void refusesAClassOutsideTheAllowList() {
		byte[] bytes = this.serializer.serialize(new Secret("x"));
		assertThatExceptionOfType(SerializationFailedException.class)
			.isThrownBy(() -> this.serializer.deserialize(bytes))
			.withMessageContaining(Secret.class.getName());
	}

	@Test
	void refusesAClassNestedInsideAnAllowedCollection() {
		byte[] bytes = this.serializer.serialize(new ArrayList<>(List.of(new Secret("x"))));
		assertThatExceptionOfType(SerializationFailedException.class)
			.isThrownBy(() -> this.serializer.deserialize(bytes));
	}

	@Test
	void allowsConfiguredPatterns() {
		JavaSessionSerializer allowing = new JavaSessionSerializer(List.of("dev.sessionstarter.serialization.*"), null);
		assertThat(allowing.deserialize(allowing.serialize(new Secret("x")))).isEqualTo(new Secret("x"));
	}

	@Test
	void failsClearlyOnAValueThatIsNotSerializable() {
		assertThatExceptionOfType(SerializationFailedException.class)
			.isThrownBy(() -> this.serializer.serialize(new Object()))
			.withMessageContaining("java.lang.Object");
	}

	@Test
	void failsClearlyOnCorruptBytes() {
		byte[] truncated = this.serializer.serialize(new ArrayList<>(List.of("a", "b", "c")));
		byte[] cut = java.util.Arrays.copyOf(truncated, truncated.length / 2);
		for (byte[] bytes : List.of(new byte[0], new byte[] { 99 }, new byte[] { 2, 1 }, cut)) {
			assertThatExceptionOfType(SerializationFailedException.class)
				.isThrownBy(() -> this.serializer.deserialize(bytes));
		}
	}

	@Test
	void failsClearlyOnAClassThatCannotBeLinked() {
		byte[] bytes = this.serializer.serialize(new Derived());
		JavaSessionSerializer withoutBase = new JavaSessionSerializer(List.of("dev.sessionstarter.serialization.*"),
				new MissingSuperclassClassLoader());
		assertThatExceptionOfType(SerializationFailedException.class)
			.isThrownBy(() -> withoutBase.deserialize(bytes))
			.withMessageContaining(Base.class.getName().replace('.', '/'));
	}

	record Secret(String value) implements Serializable {

	}

	static class Base implements Serializable {

	}

	static class Derived extends Base {

	}

	/**
	 * Defines {@link Derived} itself and cannot find its superclass, as when a library that a
	 * session attribute class extends is no longer on the class path.
	 */
	static final class MissingSuperclassClassLoader extends ClassLoader {

		MissingSuperclassClassLoader() {
			super(JavaSessionSerializerTests.class.getClassLoader());
		}

		@Override
		protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
			if (name.equals(Base.class.getName())) {
				throw new ClassNotFoundException(name);
			}
			if (!name.equals(Derived.class.getName())) {
				return super.loadClass(name, resolve);
			}
			synchronized (getClassLoadingLock(name)) {
				Class<?> loaded = findLoadedClass(name);
				if (loaded != null) {
					return loaded;
				}
				try (InputStream in = getParent().getResourceAsStream(name.replace('.', '/') + ".class")) {
					byte[] bytes = in.readAllBytes();
					return defineClass(name, bytes, 0, bytes.length);
				}
				catch (IOException ex) {
					throw new ClassNotFoundException(name, ex);
				}
			}
		}

	}

}
