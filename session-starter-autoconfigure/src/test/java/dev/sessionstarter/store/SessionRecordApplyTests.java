package dev.sessionstarter.store;

import java.util.LinkedHashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.sessionstarter.AllocatedBytes;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link SessionRecord#apply}, the one merge of a change into a stored session.
 */
class SessionRecordApplyTests {

	private final SessionRecord base = new SessionRecord("abc", 1_000, 2_000, 1_800_000, null,
			new String[] { "a", "b", "c" }, new byte[][] { { 1 }, { 2 }, { 3 } }, 7);

	@Test
	void keepsTheAttributesTheChangeDoesNotNameInTheirOrderThenTheSetOnes() {
		Map<String, byte[]> attributes = new LinkedHashMap<>();
		attributes.put("b", null);
		attributes.put("d", new byte[] { 4 });
		attributes.put("a", new byte[] { 5 });
		SessionRecord applied = SessionRecord.apply(this.base, change(attributes));
		assertThat(applied.attributeNames()).containsExactly("c", "d", "a");
		assertThat(applied.attribute("a")).containsExactly(5);
		assertThat(applied.attribute("b")).isNull();
		assertThat(applied.attribute("c")).containsExactly(3);
		assertThat(applied.attribute("d")).containsExactly(4);
		assertThat(applied.version()).isEqualTo(8);
		assertThat(applied.lastAccessedTime()).isEqualTo(3_000);
	}

	/**
	 * A request that sets one attribute of a session of three: the new record, its two arrays at
	 * their final size and the iteration of the change, 192 bytes before the JIT removes what it
	 * can; it was 336 (two lists, their arrays copied again, and a closure).
	 */
	@Test
	void mergingAChangedAttributeAllocatesTheRecordAndItsArraysOnly() throws Exception {
		SessionChange change = change(Map.of("b", new byte[] { 9 }));
		double bytes = AllocatedBytes.perRun(20_000, () -> SessionRecord.apply(this.base, change));
		assertThat(bytes).isLessThanOrEqualTo(216);
	}

	private static SessionChange change(Map<String, byte[]> attributes) {
		return new SessionChange("abc", null, false, 1_000, 3_000L, null, false, null, attributes);
	}

}
