package dev.sessionstarter.reactive;

import java.util.Map;
import java.util.concurrent.Callable;

import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;

import org.springframework.session.FindByIndexNameSessionRepository;
import org.springframework.session.ReactiveFindByIndexNameSessionRepository;
import org.springframework.session.ReactiveSessionRepository;
import org.springframework.util.Assert;

import dev.sessionstarter.store.SessionStore;
import dev.sessionstarter.store.StoreSessionRepository;
import dev.sessionstarter.store.StoredSession;

/**
 * The {@link ReactiveSessionRepository} of a reactive application: a thin adapter that calls a
 * {@link StoreSessionRepository}, so sessions, their delta, save and flush modes, the principal
 * index, events and counters are the servlet repository's own, over the same
 * {@link SessionStore}.
 *
 * <p>Calls of a store that may block ({@link SessionStore#isNonBlocking()} is {@code false}: a
 * file, the daemon, Redis) run on the given bounded scheduler, so no event-loop thread waits for
 * I/O; calls of a non-blocking store (memory, none) run on the subscribing thread, except
 * {@link #createSession()}. Sessions are
 * written when Spring Session's {@code WebSession} saves them, before the response is committed:
 * {@code sessions.flush-mode=immediate}, which would write on every attribute change, is not
 * supported here.
 */
public final class ReactiveStoreSessionRepository
		implements ReactiveSessionRepository<StoredSession>, ReactiveFindByIndexNameSessionRepository<StoredSession> {

	private final StoreSessionRepository repository;

	private final Scheduler scheduler;

	private final boolean nonBlocking;

	/**
	 * Create an adapter.
	 * @param repository the repository that holds the session logic
	 * @param scheduler the bounded scheduler that runs the calls of a store that may block
	 */
	public ReactiveStoreSessionRepository(StoreSessionRepository repository, Scheduler scheduler) {
		Assert.notNull(repository, "'repository' must not be null");
		Assert.notNull(scheduler, "'scheduler' must not be null");
		this.repository = repository;
		this.scheduler = scheduler;
		this.nonBlocking = repository.getStore().isNonBlocking();
	}

	/**
	 * Return the repository this adapter calls.
	 * @return the repository
	 */
	public StoreSessionRepository getRepository() {
		return this.repository;
	}

	/**
	 * Create a session, on the scheduler whatever the store: it stores nothing, but a new id may
	 * read the operating system's random source (the default {@code UuidSessionIdGenerator}
	 * does, through {@code SecureRandom}).
	 * @return the new session
	 */
	@Override
	public Mono<StoredSession> createSession() {
		return Mono.fromSupplier(this.repository::createSession).subscribeOn(this.scheduler);
	}

	@Override
	public Mono<Void> save(StoredSession session) {
		return call(() -> {
			this.repository.save(session);
			return null;
		});
	}

	@Override
	public Mono<StoredSession> findById(String id) {
		return call(() -> this.repository.findById(id));
	}

	@Override
	public Mono<Void> deleteById(String id) {
		return call(() -> {
			this.repository.deleteById(id);
			return null;
		});
	}

	/**
	 * Find the sessions of a principal. Both {@link #PRINCIPAL_NAME_INDEX_NAME} (the name Spring
	 * Boot's reactive {@code sessions} endpoint asks for) and
	 * {@link FindByIndexNameSessionRepository#PRINCIPAL_NAME_INDEX_NAME} name the one principal
	 * index, which the store fills from the session attribute named by the latter, or else from
	 * Spring Security's context.
	 * @param indexName the index name
	 * @param indexValue the principal name
	 * @return the sessions by id, none for another index
	 */
	@Override
	public Mono<Map<String, StoredSession>> findByIndexNameAndIndexValue(String indexName, String indexValue) {
		String name = PRINCIPAL_NAME_INDEX_NAME.equals(indexName)
				? FindByIndexNameSessionRepository.PRINCIPAL_NAME_INDEX_NAME : indexName;
		return call(() -> this.repository.findByIndexNameAndIndexValue(name, indexValue));
	}

	private <T> Mono<T> call(Callable<T> call) {
		Mono<T> mono = Mono.fromCallable(call);
		return this.nonBlocking ? mono : mono.subscribeOn(this.scheduler);
	}

}
