package dev.sessionstarter.autoconfigure;

import org.springframework.boot.autoconfigure.condition.ConditionMessage;
import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.core.type.AnnotatedTypeMetadata;
import org.springframework.core.type.AnnotationMetadata;
import org.springframework.util.Assert;

/**
 * Matches the configuration class of the lock manager that {@code sessions.lock.manager} names.
 * With {@code native} (the default) nothing matches here: the store's configuration provides
 * its lock manager (see {@link NativeLockManagerCondition}). An unknown value matches nothing
 * and fails startup when {@link SessionsProperties} is bound.
 */
class LockManagerCondition extends SpringBootCondition {

	@Override
	public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
		Assert.isInstanceOf(AnnotationMetadata.class, metadata);
		String sourceClass = ((AnnotationMetadata) metadata).getClassName();
		ConditionMessage.Builder message = ConditionMessage.forCondition("Session lock manager", sourceClass);
		LockManagerType required = LockManagerType.ofConfiguration(sourceClass);
		Assert.state(required != null, () -> "Unknown lock manager configuration class " + sourceClass);
		LockManagerType selected = StoreSelection.of(context.getEnvironment()).lockManager();
		if (selected == required) {
			return ConditionOutcome.match(message.because(required.value() + " lock manager"));
		}
		return ConditionOutcome.noMatch(message.because(selected.value() + " lock manager selected"));
	}

}
