package dev.sessionstarter.daemon;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ApplicationListener;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.session.events.AbstractSessionEvent;
import org.springframework.session.events.SessionDeletedEvent;
import org.springframework.session.events.SessionExpiredEvent;

import dev.sessionstarter.it.SecuredApplication;
import dev.sessionstarter.store.StoreSessionRepository;
import dev.sessionstarter.store.StoredSession;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Sessions a real daemon process removes on its own, by its purge or by eviction when a save
 * takes it over {@code --max-size}, are reported to every application that shares it: each
 * application's repository publishes one {@code SessionExpiredEvent} or
 * {@code SessionDeletedEvent} for each, at its next purge.
 */
class DaemonRemovalEventsIT {

	private DaemonProcess daemon;

	private final List<ConfigurableApplicationContext> applications = new ArrayList<>();

	@AfterEach
	void stop() {
		this.applications.forEach(ConfigurableApplicationContext::close);
		if (this.daemon != null) {
			this.daemon.close();
		}
	}

	@Test
	void aSessionTheDaemonPurgesIsReportedAsExpiredToEveryApplicationOnce() throws Exception {
		this.daemon = DaemonProcess.start(String.valueOf(DaemonProcess.freePort()), "--purge-interval=200ms");
		Events firstEvents = new Events();
		Events secondEvents = new Events();
		StoreSessionRepository first = repository(firstEvents);
		StoreSessionRepository second = repository(secondEvents);
		StoredSession session = first.createSession();
		session.setAttribute("cart", "3 books");
		session.setMaxInactiveInterval(Duration.ofSeconds(1));
		first.save(session);
		String id = session.getId();
		await().atMost(Duration.ofSeconds(30)).until(() -> first.getStore().usage().sessions() == 0);
		assertThat(firstEvents.expired()).isEmpty();

		assertThat(first.purgeExpiredSessions()).isOne();
		assertThat(second.purgeExpiredSessions()).isOne();
		assertThat(firstEvents.expired()).containsExactly(id);
		assertThat(secondEvents.expired()).containsExactly(id);
		assertThat(firstEvents.expiredEvents.get(0).getSession().<String>getAttribute("cart")).isEqualTo("3 books");

		first.purgeExpiredSessions();
		second.purgeExpiredSessions();
		assertThat(firstEvents.expired()).containsExactly(id);
		assertThat(secondEvents.expired()).containsExactly(id);
		assertThat(firstEvents.deleted()).isEmpty();
	}

	@Test
	void sessionsTheDaemonEvictsWhenASaveTakesItOverItsBoundAreReportedAsDeleted() throws Exception {
		this.daemon = DaemonProcess.start(String.valueOf(DaemonProcess.freePort()), "--max-size=256KB",
				"--journal-size=1MB");
		Events events = new Events();
		StoreSessionRepository repository = repository(events);
		List<String> saved = new ArrayList<>();
		while (repository.getStore().usage().sessions() == saved.size()) {
			StoredSession session = repository.createSession();
			session.setAttribute("payload", "x".repeat(8 * 1024));
			repository.save(session);
			saved.add(session.getId());
		}
		assertThat(events.deleted()).isEmpty();
		long evicted = saved.size() - repository.getStore().usage().sessions();

		repository.purgeExpiredSessions();
		assertThat(events.deleted()).hasSize((int) evicted).allSatisfy((id) -> {
			assertThat(saved).contains(id);
			assertThat(repository.findById(id)).isNull();
		});
		assertThat(Set.copyOf(events.deleted())).hasSameSizeAs(events.deleted());
		assertThat(events.expired()).isEmpty();
	}

	private StoreSessionRepository repository(Events events) {
		ConfigurableApplicationContext context = new SpringApplicationBuilder(SecuredApplication.class)
			.properties("server.port=0", "server.address=127.0.0.1", "sessions.store=daemon",
					"sessions.daemon.address=" + this.daemon.address().port(), "sessions.purge-interval=1h",
					"spring.main.banner-mode=off")
			.listeners(events)
			.run();
		this.applications.add(context);
		return context.getBean(StoreSessionRepository.class);
	}

	/**
	 * The session events one application published.
	 */
	static final class Events implements ApplicationListener<AbstractSessionEvent> {

		final List<SessionExpiredEvent> expiredEvents = new CopyOnWriteArrayList<>();

		final List<SessionDeletedEvent> deletedEvents = new CopyOnWriteArrayList<>();

		@Override
		public void onApplicationEvent(AbstractSessionEvent event) {
			if (event instanceof SessionExpiredEvent expired) {
				this.expiredEvents.add(expired);
			}
			else if (event instanceof SessionDeletedEvent deleted) {
				this.deletedEvents.add(deleted);
			}
		}

		List<String> expired() {
			return this.expiredEvents.stream().map(AbstractSessionEvent::getSessionId).toList();
		}

		List<String> deleted() {
			return this.deletedEvents.stream().map(AbstractSessionEvent::getSessionId).toList();
		}

	}

}
