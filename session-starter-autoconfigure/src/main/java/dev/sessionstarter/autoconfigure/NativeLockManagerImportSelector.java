package dev.sessionstarter.autoconfigure;

import org.springframework.context.annotation.ImportSelector;
import org.springframework.core.type.AnnotationMetadata;

/**
 * Imports the native lock manager configuration of every {@link StoreType} (each guarded by
 * {@link NativeLockManagerCondition}, so only the one of the store in use applies), also when
 * the store configurations themselves back off for the application's own session repository or
 * store: {@code sessions.store} still names whose locks its requests take.
 */
class NativeLockManagerImportSelector implements ImportSelector {

	@Override
	public String[] selectImports(AnnotationMetadata importingClassMetadata) {
		StoreType[] types = StoreType.values();
		String[] imports = new String[types.length];
		for (int i = 0; i < types.length; i++) {
			imports[i] = types[i].nativeLockManagerClass();
		}
		return imports;
	}

}
