package dev.sessionstarter.autoconfigure;

import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;

import org.springframework.util.Assert;

/**
 * Mappings between {@link StoreType} and the configuration class of each store.
 */
final class StoreConfigurations {

	private static final Map<StoreType, String> MAPPINGS;

	static {
		Map<StoreType, String> mappings = new EnumMap<>(StoreType.class);
		mappings.put(StoreType.MEMORY, MemoryStoreConfiguration.class.getName());
		mappings.put(StoreType.FILE, FileStoreConfiguration.class.getName());
		mappings.put(StoreType.MEMOIZED, MemoizedStoreConfiguration.class.getName());
		mappings.put(StoreType.DAEMON, DaemonStoreConfiguration.class.getName());
		mappings.put(StoreType.NONE, NoneStoreConfiguration.class.getName());
		MAPPINGS = Collections.unmodifiableMap(mappings);
	}

	private StoreConfigurations() {
	}

	static String getConfigurationClass(StoreType storeType) {
		String configurationClassName = MAPPINGS.get(storeType);
		Assert.state(configurationClassName != null, () -> "Unknown store type " + storeType);
		return configurationClassName;
	}

	static StoreType getType(String configurationClassName) {
		for (Map.Entry<StoreType, String> entry : MAPPINGS.entrySet()) {
			if (entry.getValue().equals(configurationClassName)) {
				return entry.getKey();
			}
		}
		throw new IllegalStateException("Unknown configuration class " + configurationClassName);
	}

}
