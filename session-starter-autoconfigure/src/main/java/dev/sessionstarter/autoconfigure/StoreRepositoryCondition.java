package dev.sessionstarter.autoconfigure;

import org.springframework.boot.autoconfigure.condition.AnyNestedCondition;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.session.ReactiveSessionRepository;
import org.springframework.session.SessionRepository;

/**
 * Matches when the starter provides the application's {@link SessionRepository}: when the
 * application defines none (nor a {@link ReactiveSessionRepository}), or when the {@code memoized} store fronts the one it defines
 * ({@code sessions.store=memoized}, {@code sessions.memoized.delegate=repository}).
 */
class StoreRepositoryCondition extends AnyNestedCondition {

	StoreRepositoryCondition() {
		super(ConfigurationPhase.REGISTER_BEAN);
	}

	@ConditionalOnMissingBean({ SessionRepository.class, ReactiveSessionRepository.class })
	static class NoApplicationRepository {

	}

	@ConditionalOnProperty(name = "sessions.store", havingValue = "memoized")
	@ConditionalOnProperty(name = "sessions.memoized.delegate", havingValue = "repository")
	static class MemoizedFrontsApplicationRepository {

	}

}
