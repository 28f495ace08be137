package dev.sessionstarter.autoconfigure;

import org.springframework.boot.autoconfigure.condition.ConditionMessage;
import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.core.type.AnnotatedTypeMetadata;
import org.springframework.core.type.AnnotationMetadata;
import org.springframework.util.Assert;

/**
 * Matches the native lock manager configuration nested in a store's configuration class when
 * {@code sessions.lock.manager} is {@code native} (the default) and that store's locks are the
 * ones requests take ({@link StoreSelection#nativeLockStore()}). It matches one store at most, so
 * at most one such configuration applies: each extends the configuration of the lock manager it
 * provides, and Spring registers the beans of a configuration superclass for one subclass only.
 */
class NativeLockManagerCondition extends SpringBootCondition {

	@Override
	public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
		Assert.isInstanceOf(AnnotationMetadata.class, metadata);
		String sourceClass = ((AnnotationMetadata) metadata).getClassName();
		ConditionMessage.Builder message = ConditionMessage.forCondition("Native session lock manager",
				sourceClass);
		StoreType store = StoreType.ofConfiguration(sourceClass);
		Assert.state(store != null, () -> "Not nested in a store configuration class: " + sourceClass);
		StoreSelection selection = StoreSelection.of(context.getEnvironment());
		if (selection.lockManager() != LockManagerType.NATIVE) {
			return ConditionOutcome
				.noMatch(message.because(selection.lockManager().value() + " lock manager selected"));
		}
		StoreType nativeLockStore = selection.nativeLockStore();
		if (nativeLockStore == store) {
			return ConditionOutcome.match(message.because("native lock manager of the " + store.value() + " store"
					+ ((selection.store() != store) ? ", fronted by the memoized store" : "")));
		}
		return ConditionOutcome.noMatch(message.because("native lock manager of the " + nativeLockStore.value()
				+ " store in use"));
	}

}
