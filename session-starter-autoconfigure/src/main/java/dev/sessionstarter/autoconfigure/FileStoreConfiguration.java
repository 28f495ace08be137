package dev.sessionstarter.autoconfigure;

import java.nio.file.Path;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;

import dev.sessionstarter.store.file.FileSessionStore;

/**
 * The {@code file} store ({@code sessions.file.*}), and its native lock manager, OS file locks
 * in the store's own lock file.
 */
@Configuration(proxyBeanMethods = false)
@Conditional(StoreCondition.class)
class FileStoreConfiguration {

	@Bean
	FileSessionStore fileSessionStore(SessionsProperties properties) {
		SessionsProperties.File file = properties.getFile();
		return new FileSessionStore(directory(file), file.getFormat(), file.isFsync());
	}

	/**
	 * Return the directory of the session files.
	 * @param file the settings
	 * @return {@code sessions.file.dir}
	 * @throws InvalidSessionsPropertyException if it names no directory
	 */
	static Path directory(SessionsProperties.File file) {
		if (file.getDir() == null || file.getDir().toString().isBlank()) {
			throw new InvalidSessionsPropertyException("sessions.file.dir", file.getDir(),
					"must name a directory, such as ./sessions");
		}
		return file.getDir();
	}

	@Configuration(proxyBeanMethods = false)
	@Conditional(NativeLockManagerCondition.class)
	static class NativeLockManager extends FileLockManagerConfiguration {

	}

}
