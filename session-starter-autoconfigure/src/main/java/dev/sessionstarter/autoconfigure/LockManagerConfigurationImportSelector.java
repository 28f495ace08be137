package dev.sessionstarter.autoconfigure;

import java.util.ArrayList;
import java.util.List;

import org.springframework.context.annotation.ImportSelector;
import org.springframework.core.type.AnnotationMetadata;

/**
 * Imports the configuration class of every lock manager that {@code sessions.lock.manager} can
 * name; each is guarded by {@link LockManagerCondition}, so only the named one applies.
 */
class LockManagerConfigurationImportSelector implements ImportSelector {

	@Override
	public String[] selectImports(AnnotationMetadata importingClassMetadata) {
		List<String> imports = new ArrayList<>();
		for (LockManagerType type : LockManagerType.values()) {
			if (type.configurationClass() != null) {
				imports.add(type.configurationClass());
			}
		}
		return imports.toArray(new String[0]);
	}

}
