package dev.sessionstarter.autoconfigure;

import org.springframework.context.annotation.ImportSelector;
import org.springframework.core.type.AnnotationMetadata;

/**
 * Imports the configuration class of every {@link StoreType}; each is guarded by
 * {@link StoreCondition}, so only the selected one (and the store a memoized cache fronts)
 * applies.
 */
class StoreConfigurationImportSelector implements ImportSelector {

	@Override
	public String[] selectImports(AnnotationMetadata importingClassMetadata) {
		StoreType[] types = StoreType.values();
		String[] imports = new String[types.length];
		for (int i = 0; i < types.length; i++) {
			imports[i] = types[i].configurationClass();
		}
		return imports;
	}

}
