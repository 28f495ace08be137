package dev.sessionstarter.store;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.sessionstarter.serialization.JavaSessionSerializer;
import dev.sessionstarter.store.memory.MemorySessionStore;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A session's attributes changed by one thread of a request while another saves it (an
 * asynchronous request's own thread and the container's commit): the change is kept for the
 * next save, never cleared unsaved.
 */
@SuppressWarnings("unchecked")
class StoredSessionConcurrencyTests {

	private final ExecutorService executor = Executors.newSingleThreadExecutor();

	@AfterEach
	void shutdown() {
		this.executor.shutdownNow();
	}

	@Test
	void attributeSetWhileTheSessionIsBeingSavedIsSavedNextTime() throws Exception {
		PausingStore store = new PausingStore(new MemorySessionStore(1024 * 1024, 0.75, Clock.systemUTC()));
		StoreSessionRepository repository = new StoreSessionRepository(store, new JavaSessionSerializer(List.of(), null));
		StoredSession session = repository.createSession();
		session.setAttribute("count", 1);
		repository.save(session);

		StoredSession loaded = repository.findById(session.getId());
		loaded.setAttribute("count", 2);
		store.pauseNextSave();
		Future<?> save = this.executor.submit(() -> repository.save(loaded));
		assertThat(store.saving.await(5, TimeUnit.SECONDS)).isTrue();
		loaded.setAttribute("count", 3);
		loaded.setAttribute("other", "set meanwhile");
		store.resume.countDown();
		save.get(5, TimeUnit.SECONDS);

		assertThat((Integer) repository.findById(session.getId()).getAttribute("count")).isEqualTo(2);
		assertThat((Integer) loaded.getAttribute("count")).isEqualTo(3);
		repository.save(loaded);
		StoredSession reloaded = repository.findById(session.getId());
		assertThat((Integer) reloaded.getAttribute("count")).isEqualTo(3);
		assertThat((String) reloaded.getAttribute("other")).isEqualTo("set meanwhile");
	}

	@Test
	void sameObjectSetAgainWhileTheSessionIsBeingSavedIsSavedNextTime() throws Exception {
		PausingStore store = new PausingStore(new MemorySessionStore(1024 * 1024, 0.75, Clock.systemUTC()));
		StoreSessionRepository repository = new StoreSessionRepository(store, new JavaSessionSerializer(List.of(), null));
		StoredSession session = repository.createSession();
		ArrayList<String> cart = new ArrayList<>(List.of("book"));
		session.setAttribute("cart", cart);
		store.pauseNextSave();
		Future<?> save = this.executor.submit(() -> repository.save(session));
		assertThat(store.saving.await(5, TimeUnit.SECONDS)).isTrue();
		cart.add("pen");
		session.setAttribute("cart", cart);
		store.resume.countDown();
		save.get(5, TimeUnit.SECONDS);

		assertThat((List<String>) repository.findById(session.getId()).getAttribute("cart")).containsExactly("book");
		repository.save(session);
		assertThat((List<String>) repository.findById(session.getId()).getAttribute("cart")).containsExactly("book",
				"pen");
	}

	/**
	 * A store whose next save waits, once it has started, until the test lets it go on.
	 */
	private static final class PausingStore implements SessionStore {

		private final SessionStore delegate;

		private volatile boolean pause;

		final CountDownLatch saving = new CountDownLatch(1);

		final CountDownLatch resume = new CountDownLatch(1);

		PausingStore(SessionStore delegate) {
			this.delegate = delegate;
		}

		void pauseNextSave() {
			this.pause = true;
		}

		@Override
		public @Nullable SessionRecord save(SessionChange change) {
			if (this.pause) {
				this.pause = false;
				this.saving.countDown();
				try {
					this.resume.await(5, TimeUnit.SECONDS);
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
				}
			}
			return this.delegate.save(change);
		}

		@Override
		public String type() {
			return this.delegate.type();
		}

		@Override
		public @Nullable SessionRecord find(String id) {
			return this.delegate.find(id);
		}

		@Override
		public @Nullable SessionRecord delete(String id) {
			return this.delegate.delete(id);
		}

		@Override
		public boolean deleteIfExpired(String id, Instant now) {
			return this.delegate.deleteIfExpired(id, now);
		}

		@Override
		public Collection<SessionRecord> findByPrincipalName(String principalName) {
			return this.delegate.findByPrincipalName(principalName);
		}

		@Override
		public int purgeExpired(Instant now) {
			return this.delegate.purgeExpired(now);
		}

		@Override
		public StoreUsage usage() {
			return this.delegate.usage();
		}

		@Override
		public void setRemovalListener(RemovalListener listener) {
			this.delegate.setRemovalListener(listener);
		}

	}

}
