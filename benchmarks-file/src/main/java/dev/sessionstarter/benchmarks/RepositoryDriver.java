package dev.sessionstarter.benchmarks;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.springframework.session.FindByIndexNameSessionRepository;
import org.springframework.session.Session;
import org.springframework.session.SessionRepository;

/**
 * One repository under test, driven through Spring Session's {@link SessionRepository} only, so
 * every implementation runs exactly the same calls; {@link Target} builds each one the way an
 * application would.
 *
 * @param <S> the repository's session type
 */
final class RepositoryDriver<S extends Session> implements AutoCloseable {

	static final String COUNTER = "counter";

	private final SessionRepository<S> repository;

	private final AutoCloseable cleanup;

	RepositoryDriver(SessionRepository<S> repository, AutoCloseable cleanup) {
		this.repository = repository;
		this.cleanup = cleanup;
	}

	String createAndSave(Map<String, Object> attributes) {
		S session = this.repository.createSession();
		attributes.forEach(session::setAttribute);
		this.repository.save(session);
		return session.getId();
	}

	int requestCycle(String id, Instant now) {
		S session = this.repository.findById(id);
		if (session == null) {
			throw new IllegalStateException("Session " + id + " is missing");
		}
		session.setLastAccessedTime(now);
		Integer counter = session.getAttribute(COUNTER);
		int next = (counter != null) ? counter + 1 : 1;
		session.setAttribute(COUNTER, next);
		this.repository.save(session);
		return next;
	}

	@Override
	public void close() throws Exception {
		this.cleanup.close();
	}

	/**
	 * The attributes of one visitor's session: a few hundred bytes of values.
	 */
	static Map<String, Object> mediumSession(int visitor, boolean loggedIn) {
		Map<String, Object> attributes = new LinkedHashMap<>();
		String user = "user-" + visitor;
		attributes.put("userName", user);
		attributes.put(COUNTER, visitor % 100);
		attributes.put("locale", "en_GB");
		if (loggedIn) {
			attributes.put(FindByIndexNameSessionRepository.PRINCIPAL_NAME_INDEX_NAME, user);
		}
		List<String> cart = new ArrayList<>();
		for (int i = 0; i < 3; i++) {
			cart.add("SKU-" + (100000 + (visitor * 7 + i) % 900000));
		}
		attributes.put("cart", cart);
		attributes.put("lastPage", "/catalog/shoes/running?page=" + (visitor % 40) + "&sort=price-asc");
		return attributes;
	}

}
