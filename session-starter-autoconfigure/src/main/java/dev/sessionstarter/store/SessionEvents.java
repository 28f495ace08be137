package dev.sessionstarter.store;

import java.util.concurrent.atomic.LongAdder;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.context.ApplicationEvent;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.session.events.SessionCreatedEvent;
import org.springframework.session.events.SessionDeletedEvent;
import org.springframework.session.events.SessionExpiredEvent;
import org.springframework.util.Assert;

/**
 * The session events of a {@link StoreSessionRepository} and the counters of what happened to
 * its sessions: it publishes each event with the repository as its source, and a publisher that
 * fails is logged, never thrown to the request or the store.
 */
final class SessionEvents {

	/** Logs under the repository's name, as the events are the repository's. */
	private static final Log logger = LogFactory.getLog(StoreSessionRepository.class);

	private final StoreSessionRepository repository;

	private ApplicationEventPublisher publisher = (event) -> {
	};

	final LongAdder created = new LongAdder();

	final LongAdder deleted = new LongAdder();

	final LongAdder expired = new LongAdder();

	final LongAdder evicted = new LongAdder();

	final LongAdder serializationFailures = new LongAdder();

	SessionEvents(StoreSessionRepository repository) {
		this.repository = repository;
	}

	void setPublisher(ApplicationEventPublisher publisher) {
		Assert.notNull(publisher, "'eventPublisher' must not be null");
		this.publisher = publisher;
	}

	/** Count a session stored for the first time and publish its {@link SessionCreatedEvent}. */
	void created(StoredSession session) {
		this.created.increment();
		publish(new SessionCreatedEvent(this.repository, session));
	}

	/** Count an explicitly deleted session and publish its {@link SessionDeletedEvent}. */
	void deleted(SessionRecord removed) {
		this.deleted.increment();
		publish(new SessionDeletedEvent(this.repository, new StoredSession(this.repository, removed)));
	}

	/**
	 * The store's removal listener: count a session the store removed and publish a
	 * {@link SessionExpiredEvent} for an expired one, a {@link SessionDeletedEvent} for an evicted one.
	 */
	void removed(SessionRecord record, RemovalCause cause) {
		if (cause == RemovalCause.EXPIRED) {
			this.expired.increment();
			publish(new SessionExpiredEvent(this.repository, new StoredSession(this.repository, record)));
		}
		else {
			this.evicted.increment();
			publish(new SessionDeletedEvent(this.repository, new StoredSession(this.repository, record)));
		}
	}

	void publish(ApplicationEvent event) {
		try {
			this.publisher.publishEvent(event);
		}
		catch (RuntimeException ex) {
			logger.error("Error publishing " + event + ".", ex);
		}
	}

}
