package dev.sessionstarter.benchmarks;

import java.time.Instant;
import java.util.Map;

import org.springframework.session.Session;
import org.springframework.session.SessionRepository;

/**
 * One repository under test, driven through Spring Session's {@link SessionRepository} only,
 * so every implementation runs exactly the same calls (within a request lock, for an
 * implementation that takes one). Each competitor has one small subclass
 * that builds its repository the way an application would and releases what it holds in
 * {@link #close()}; the workload lives here, and every benchmark mode (JMH and the interleaved
 * runner) runs it through these methods only.
 *
 * <p>Thread-safe as far as the repository is: the methods keep no state of their own.
 *
 * @param <S> the repository's session type
 */
public abstract class RepositoryAdapter<S extends Session> implements AutoCloseable {

	/** The attribute the request cycle reads, increments and writes back. */
	public static final String COUNTER = "counter";

	private final SessionRepository<S> repository;

	protected RepositoryAdapter(SessionRepository<S> repository) {
		this.repository = repository;
	}

	/**
	 * Fill the repository with returning visitors' sessions: {@code count} sessions of the
	 * given shape for visitors {@code 0} to {@code count - 1}, every third one logged in.
	 * @param count how many sessions to create
	 * @param shape their attributes
	 * @return their ids, in visitor order
	 */
	public final String[] fill(int count, SessionShape shape) {
		String[] ids = new String[count];
		for (int i = 0; i < count; i++) {
			ids[i] = createAndSave(shape.attributes(i, i % 3 == 0));
		}
		return ids;
	}

	/**
	 * Create a session with the given attributes and save it, as the first request of a visitor
	 * does.
	 * @param attributes the attributes to set
	 * @return the new session's id
	 */
	public final String createAndSave(Map<String, Object> attributes) {
		S session = this.repository.createSession();
		attributes.forEach(session::setAttribute);
		this.repository.save(session);
		return session.getId();
	}

	/**
	 * One request of a returning visitor, as {@code SessionRepositoryFilter} and a controller run
	 * it: find the session by id, stamp its last access time, read the {@link #COUNTER}
	 * attribute, write it back incremented, save.
	 * @param id the id of an existing session
	 * @param now the time of the request
	 * @return the counter value written
	 * @throws IllegalStateException if the session is not there (the benchmark is then invalid)
	 */
	public final int requestCycle(String id, Instant now) {
		try (RequestLock lock = lock(id)) {
			S session = this.repository.findById(id);
			if (session == null) {
				throw new IllegalStateException("Session " + id + " is missing from " + getClass().getSimpleName());
			}
			session.setLastAccessedTime(now);
			Integer counter = session.getAttribute(COUNTER);
			int next = (counter != null) ? counter + 1 : 1;
			session.setAttribute(COUNTER, next);
			this.repository.save(session);
			return next;
		}
	}

	/**
	 * Take the request lock of a session, as the starter's lock filter does before the request
	 * cycle; none unless a subclass takes one.
	 * @param id the session id
	 * @return the lock, released when the cycle ends
	 */
	protected RequestLock lock(String id) {
		return RequestLock.NONE;
	}

	/**
	 * Delete a session.
	 * @param id its id
	 */
	public final void delete(String id) {
		this.repository.deleteById(id);
	}

	/**
	 * Return how many sessions the repository holds now.
	 * @return the count
	 */
	public abstract long size();

	/**
	 * Release what the repository holds outside the heap (files, database, connections). Called
	 * once, after the last operation; does nothing unless a subclass overrides it.
	 * @throws Exception if it cannot be released
	 */
	@Override
	public void close() throws Exception {
	}

	/**
	 * A request lock held for one request cycle.
	 */
	@FunctionalInterface
	protected interface RequestLock extends AutoCloseable {

		/** No lock. */
		RequestLock NONE = () -> {
		};

		/**
		 * Release the lock.
		 */
		@Override
		void close();

	}

}
