package dev.sessionstarter.lock;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

import dev.sessionstarter.store.SessionIds;

/**
 * Which of the session ids a request names its lock filter locks, the one rule of the servlet
 * and the reactive filter: the first {@value #MAX_PER_REQUEST} distinct valid ones, in their
 * natural order so that two requests never wait for each other. A request can be the session
 * of one id only, so a request that names hundreds of ids costs no more locks than one that
 * names a few.
 */
public final class LockableSessionIds {

	/**
	 * The most ids one request locks.
	 */
	public static final int MAX_PER_REQUEST = 3;

	private LockableSessionIds() {
	}

	/**
	 * Choose the ids to lock.
	 * @param requested the ids the request names, in the order it names them
	 * @return the ids to lock, in the order to lock them; empty if none is valid
	 */
	public static List<String> of(List<String> requested) {
		if (requested.size() == 1) {
			String sessionId = requested.get(0);
			return SessionIds.isValid(sessionId) ? List.of(sessionId) : List.of();
		}
		TreeSet<String> valid = new TreeSet<>();
		for (String sessionId : requested) {
			if (SessionIds.isValid(sessionId)) {
				valid.add(sessionId);
				if (valid.size() == MAX_PER_REQUEST) {
					break;
				}
			}
		}
		return new ArrayList<>(valid);
	}

}
