package dev.sessionstarter.autoconfigure;

import org.springframework.boot.autoconfigure.condition.ConditionMessage;
import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.core.type.AnnotatedTypeMetadata;
import org.springframework.core.type.AnnotationMetadata;
import org.springframework.util.Assert;

/**
 * Matches the configuration class of the store that {@code sessions.store} selects
 * ({@link StoreType#MEMORY} when it is not set), and of the store a selected {@code memoized}
 * cache fronts ({@code sessions.memoized.delegate}), which is configured as when it is the
 * store itself. An unknown value stops startup with an {@link InvalidSessionsPropertyException}
 * that lists the known ones.
 */
class StoreCondition extends SpringBootCondition {

	@Override
	public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
		Assert.isInstanceOf(AnnotationMetadata.class, metadata);
		String sourceClass = ((AnnotationMetadata) metadata).getClassName();
		ConditionMessage.Builder message = ConditionMessage.forCondition("Session store", sourceClass);
		StoreType required = StoreType.ofConfiguration(sourceClass);
		Assert.state(required != null, () -> "Unknown store configuration class " + sourceClass);
		StoreSelection selection = StoreSelection.of(context.getEnvironment());
		if (selection.store() == required) {
			return ConditionOutcome.match(message.because(required.value() + " store"
					+ (selection.storeIsSet() ? "" : " (the default)")));
		}
		if (selection.store() == StoreType.MEMOIZED && selection.delegate().store() == required) {
			return ConditionOutcome.match(message.because(required.value() + " store, fronted by the memoized store"));
		}
		return ConditionOutcome.noMatch(message.because(selection.store().value() + " store selected"));
	}

}
