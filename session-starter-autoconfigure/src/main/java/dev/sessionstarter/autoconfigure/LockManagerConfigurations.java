package dev.sessionstarter.autoconfigure;

import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;

/**
 * Mappings between {@link LockManagerType} and the configuration class of each lock manager
 * ({@link LockManagerType#NATIVE} has none: it resolves to another type).
 */
final class LockManagerConfigurations {

	private static final Map<LockManagerType, String> MAPPINGS;

	static {
		Map<LockManagerType, String> mappings = new EnumMap<>(LockManagerType.class);
		mappings.put(LockManagerType.MEMORY, MemoryLockManagerConfiguration.class.getName());
		mappings.put(LockManagerType.FILE, FileLockManagerConfiguration.class.getName());
		mappings.put(LockManagerType.DAEMON, DaemonLockManagerConfiguration.class.getName());
		mappings.put(LockManagerType.NONE, NoneLockManagerConfiguration.class.getName());
		MAPPINGS = Collections.unmodifiableMap(mappings);
	}

	private LockManagerConfigurations() {
	}

	static String[] getConfigurationClasses() {
		return MAPPINGS.values().toArray(new String[0]);
	}

	static LockManagerType getType(String configurationClassName) {
		for (Map.Entry<LockManagerType, String> entry : MAPPINGS.entrySet()) {
			if (entry.getValue().equals(configurationClassName)) {
				return entry.getKey();
			}
		}
		throw new IllegalStateException("Unknown configuration class " + configurationClassName);
	}

}
