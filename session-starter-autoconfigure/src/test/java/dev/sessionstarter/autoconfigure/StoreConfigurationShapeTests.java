package dev.sessionstarter.autoconfigure;

import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.MergedAnnotations;
import org.springframework.core.annotation.MergedAnnotations.SearchStrategy;
import org.springframework.util.ClassUtils;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Pins the shape every store and lock manager has, so that a new one cannot be half added:
 * each store's configuration is found from its {@link StoreType}, is guarded by
 * {@link StoreCondition}, and provides a native lock manager in a nested configuration named
 * as {@link NativeLockManagerImportSelector} expects; each lock manager that
 * {@code sessions.lock.manager} can name has a configuration guarded by
 * {@link LockManagerCondition}.
 */
class StoreConfigurationShapeTests {

	@Test
	void everyStoreHasAGuardedConfigurationThatProvidesItsNativeLockManager() throws Exception {
		for (StoreType type : StoreType.values()) {
			Class<?> configuration = ClassUtils.forName(type.configurationClass(), null);
			assertThat(StoreType.ofConfiguration(configuration.getName())).isEqualTo(type);
			assertThat(conditions(configuration)).as("%s", configuration).contains(StoreCondition.class);
			assertThat(nativeLockManager(type).getEnclosingClass()).isEqualTo(configuration);
		}
	}

	@Test
	void everyLockManagerButNativeHasAGuardedConfiguration() throws Exception {
		for (LockManagerType type : LockManagerType.values()) {
			if (type == LockManagerType.NATIVE) {
				assertThat(type.configurationClass()).isNull();
				continue;
			}
			Class<?> configuration = ClassUtils.forName(type.configurationClass(), null);
			assertThat(LockManagerType.ofConfiguration(configuration.getName())).isEqualTo(type);
			assertThat(conditions(configuration)).as("%s", configuration).contains(LockManagerCondition.class);
		}
	}

	@Test
	void aClassOfNoStoreBelongsToNone() {
		assertThat(StoreType.ofConfiguration(SessionStoreAutoConfiguration.class.getName())).isNull();
		assertThat(StoreType.ofConfiguration(FileStoreConfiguration.class.getName() + "Extra")).isNull();
		assertThat(LockManagerType.ofConfiguration(FileStoreConfiguration.class.getName())).isNull();
	}

	private static Class<?> nativeLockManager(StoreType type) throws ClassNotFoundException {
		Class<?> nested = ClassUtils.forName(type.nativeLockManagerClass(), null);
		assertThat(Modifier.isStatic(nested.getModifiers())).isTrue();
		assertThat(nested.isAnnotationPresent(Configuration.class)).isTrue();
		assertThat(conditions(nested)).contains(NativeLockManagerCondition.class);
		return nested;
	}

	/**
	 * Return the conditions declared on the class itself: Spring does not apply a superclass's.
	 */
	private static List<Class<?>> conditions(Class<?> type) {
		List<Class<?>> conditions = new ArrayList<>();
		MergedAnnotations.from(type, SearchStrategy.DIRECT)
			.stream(Conditional.class)
			.forEach((conditional) -> conditions.addAll(List.of(conditional.getClassArray("value"))));
		return conditions;
	}

}
