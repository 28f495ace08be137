package dev.sessionstarter.autoconfigure;

import org.springframework.context.annotation.ImportSelector;
import org.springframework.core.type.AnnotationMetadata;

/**
 * Imports the configuration class of every lock manager; each is guarded by
 * {@link LockManagerCondition}, so only the selected one applies.
 */
class LockManagerConfigurationImportSelector implements ImportSelector {

	@Override
	public String[] selectImports(AnnotationMetadata importingClassMetadata) {
		return LockManagerConfigurations.getConfigurationClasses();
	}

}
