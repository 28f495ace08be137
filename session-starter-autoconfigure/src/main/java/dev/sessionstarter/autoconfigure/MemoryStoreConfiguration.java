package dev.sessionstarter.autoconfigure;

import java.time.Clock;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;

import dev.sessionstarter.store.memory.MemorySessionStore;

/**
 * The {@code memory} store ({@code sessions.memory.*}), and its native lock manager, locks in
 * this process.
 */
@Configuration(proxyBeanMethods = false)
@Conditional(StoreCondition.class)
class MemoryStoreConfiguration {

	@Bean
	MemorySessionStore memorySessionStore(SessionsProperties properties) {
		SessionsProperties.Memory memory = properties.getMemory();
		SettingsCheck.positive("sessions.memory.max-size", memory.getMaxSize(), "4MB");
		SettingsCheck.fraction("sessions.memory.reduce-to", memory.getReduceTo(), "0.75");
		return new MemorySessionStore(memory.getMaxSize().toBytes(), memory.getReduceTo(), Clock.systemUTC());
	}

	@Configuration(proxyBeanMethods = false)
	@Conditional(NativeLockManagerCondition.class)
	static class NativeLockManager extends MemoryLockManagerConfiguration {

	}

}
