package dev.sessionstarter.store.memoized;

import java.lang.reflect.Method;
import java.util.function.Supplier;

import org.jspecify.annotations.Nullable;

import org.springframework.session.SessionIdGenerator;
import org.springframework.session.SessionRepository;
import org.springframework.session.UuidSessionIdGenerator;
import org.springframework.util.Assert;
import org.springframework.util.ReflectionUtils;

/**
 * The ids of a repository's sessions, taken over by a {@link RepositorySessionStore}: the
 * repository's {@link SessionIdGenerator} is replaced (through its {@code setSessionIdGenerator}
 * method, which Spring Session's repositories have) by one that answers the id this thread
 * asks for while it creates or renames a session, and random UUIDs at other times.
 */
final class RepositorySessionIds {

	private final ThreadLocal<@Nullable String> nextId = new ThreadLocal<>();

	private RepositorySessionIds() {
	}

	/**
	 * Take over the ids of a repository.
	 * @param repository the repository; it must have a {@code setSessionIdGenerator} method
	 * @return the ids
	 * @throws IllegalArgumentException if the repository's ids cannot be set
	 */
	static RepositorySessionIds takeOver(SessionRepository<?> repository) {
		Method setter = ReflectionUtils.findMethod(repository.getClass(), "setSessionIdGenerator",
				SessionIdGenerator.class);
		Assert.isTrue(setter != null, () -> repository.getClass().getName()
				+ " has no setSessionIdGenerator(SessionIdGenerator) method, so sessions cannot keep their ids");
		ReflectionUtils.makeAccessible(setter);
		RepositorySessionIds ids = new RepositorySessionIds();
		SessionIdGenerator generator = ids::generateId;
		ReflectionUtils.invokeMethod(setter, repository, generator);
		return ids;
	}

	/**
	 * Run something that makes the repository generate an id (create or rename a session), with
	 * the given id as the one generated.
	 * @param <T> what the action returns
	 * @param id the id
	 * @param action the action
	 * @return what the action returned
	 */
	<T> T withId(String id, Supplier<T> action) {
		this.nextId.set(id);
		try {
			return action.get();
		}
		finally {
			this.nextId.remove();
		}
	}

	private String generateId() {
		String id = this.nextId.get();
		return (id != null) ? id : UuidSessionIdGenerator.getInstance().generate();
	}

}
