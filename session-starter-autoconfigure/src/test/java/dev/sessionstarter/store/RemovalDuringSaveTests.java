package dev.sessionstarter.store;

import java.time.Clock;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.Test;
import org.springframework.session.SaveMode;

import dev.sessionstarter.serialization.JavaSessionSerializer;
import dev.sessionstarter.serialization.SessionSerializer;
import dev.sessionstarter.store.memory.MemorySessionStore;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An attribute removed by another thread of the request while a save writes a value of it:
 * the next save writes the removal, after which the session must not answer the value the first
 * save wrote (nor write it back).
 */
class RemovalDuringSaveTests {

	private final MemorySessionStore store = new MemorySessionStore(1024 * 1024, 0.75, Clock.systemUTC());

	private final RemovingSerializer serializer = new RemovingSerializer();

	private final StoreSessionRepository repository = new StoreSessionRepository(this.store, this.serializer);

	@Test
	void anAttributeRemovedDuringASaveIsNotServedAfterTheRemovalIsSaved() {
		StoredSession session = savedWhileTheCartIsRemoved();
		assertThat(session.<String>getAttribute("cart")).isNull();
		this.repository.save(session);
		assertThat(this.store.find(session.getId()).attribute("cart")).isNull();
		assertThat(session.getAttributeNames()).doesNotContain("cart");
		// fails: the value the first save wrote is answered though its removal is saved
		assertThat(session.<String>getAttribute("cart")).isNull();
	}

	@Test
	void anAttributeRemovedDuringASaveIsNotWrittenBackUnderSaveModeOnGetAttribute() {
		this.repository.setSaveMode(SaveMode.ON_GET_ATTRIBUTE);
		StoredSession session = savedWhileTheCartIsRemoved();
		this.repository.save(session);
		assertThat(this.store.find(session.getId()).attribute("cart")).isNull();
		session.getAttribute("cart");
		this.repository.save(session);
		// fails: the removed attribute is stored again
		assertThat(this.store.find(session.getId()).attribute("cart")).isNull();
	}

	/**
	 * Save a session whose "cart" changed from "v1" to "v2", while another thread of the request
	 * removes the attribute as the save encodes "v2".
	 */
	private StoredSession savedWhileTheCartIsRemoved() {
		StoredSession created = this.repository.createSession();
		created.setAttribute("cart", "v1");
		this.repository.save(created);
		StoredSession session = this.repository.findById(created.getId());
		session.setAttribute("cart", "v2");
		this.serializer.onSerialize = () -> CompletableFuture.runAsync(() -> session.removeAttribute("cart")).join();
		this.repository.save(session);
		this.serializer.onSerialize = null;
		return session;
	}

	static final class RemovingSerializer implements SessionSerializer {

		private final JavaSessionSerializer delegate = new JavaSessionSerializer(List.of(), null);

		volatile Runnable onSerialize;

		@Override
		public byte[] serialize(Object value) {
			Runnable hook = this.onSerialize;
			if (hook != null && "v2".equals(value)) {
				this.onSerialize = null;
				hook.run();
			}
			return this.delegate.serialize(value);
		}

		@Override
		public Object deserialize(byte[] bytes) {
			return this.delegate.deserialize(bytes);
		}

	}

}
