package dev.sessionstarter.benchmarks;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.springframework.session.MapSession;
import org.springframework.session.MapSessionRepository;
import org.springframework.session.Session;

/**
 * Spring Session's {@link MapSessionRepository} over a {@link ConcurrentHashMap}, as Spring
 * Session's own {@code @EnableSpringHttpSession} samples configure it: unbounded, keeps live
 * session objects (no serialization), last save of a session replaces it whole.
 */
final class MapRepositoryAdapter extends RepositoryAdapter<MapSession> {

	private final Map<String, Session> sessions;

	private MapRepositoryAdapter(Map<String, Session> sessions) {
		super(new MapSessionRepository(sessions));
		this.sessions = sessions;
	}

	/**
	 * Create the adapter.
	 * @return the adapter
	 */
	static MapRepositoryAdapter create() {
		return new MapRepositoryAdapter(new ConcurrentHashMap<>());
	}

	@Override
	public long size() {
		return this.sessions.size();
	}

}
