package dev.sessionstarter.autoconfigure;

import java.time.Clock;

import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.session.SessionRepository;

import dev.sessionstarter.store.SessionStore;
import dev.sessionstarter.store.memory.MemorySessionStore;

/**
 * The {@code memory} store.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnMissingBean({ SessionRepository.class, SessionStore.class })
@Conditional(StoreCondition.class)
class MemoryStoreConfiguration {

	@Bean
	MemorySessionStore memorySessionStore(SessionsProperties properties) {
		SessionsProperties.Memory memory = properties.getMemory();
		return new MemorySessionStore(memory.getMaxSize().toBytes(), memory.getReduceTo(), Clock.systemUTC());
	}

}
