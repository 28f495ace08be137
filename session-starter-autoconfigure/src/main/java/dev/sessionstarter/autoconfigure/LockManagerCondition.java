package dev.sessionstarter.autoconfigure;

import org.springframework.boot.autoconfigure.condition.ConditionMessage;
import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.context.properties.bind.BindResult;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.core.type.AnnotatedTypeMetadata;
import org.springframework.core.type.AnnotationMetadata;
import org.springframework.util.Assert;

import dev.sessionstarter.store.memoized.Coherence;

/**
 * Matches the configuration class of the lock manager that {@code sessions.lock.manager}
 * selects, {@code native} (the default) standing for the lock manager of the store that
 * {@code sessions.store} selects. An unknown value matches nothing here and fails startup when
 * {@link SessionsProperties} is bound.
 */
class LockManagerCondition extends SpringBootCondition {

	@Override
	public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
		Assert.isInstanceOf(AnnotationMetadata.class, metadata);
		String sourceClass = ((AnnotationMetadata) metadata).getClassName();
		ConditionMessage.Builder message = ConditionMessage.forCondition("Session lock manager", sourceClass);
		LockManagerType required = LockManagerConfigurations.getType(sourceClass);
		try {
			Binder binder = Binder.get(context.getEnvironment());
			BindResult<LockManagerType> specified = binder.bind("sessions.lock.manager", LockManagerType.class);
			LockManagerType manager = specified.orElse(SessionsProperties.Lock.DEFAULT_MANAGER);
			StoreType store = binder.bind("sessions.store", StoreType.class).orElse(SessionsProperties.DEFAULT_STORE);
			LockManagerType selected = (manager == LockManagerType.NATIVE && store == StoreType.MEMOIZED)
					? LockManagerType.nativeOfMemoized(
							binder.bind("sessions.memoized.delegate", MemoizedDelegate.class)
								.orElse(SessionsProperties.Memoized.DEFAULT_DELEGATE),
							binder.bind("sessions.memoized.coherence", Coherence.class)
								.orElse(SessionsProperties.Memoized.DEFAULT_COHERENCE))
					: manager.resolve(store);
			String name = selected.name().toLowerCase() + " lock manager";
			String reason = (manager != LockManagerType.NATIVE) ? name
					: name + " (native to the " + store.name().toLowerCase() + " store)";
			if (selected == required) {
				return ConditionOutcome.match(message.because(reason));
			}
			return ConditionOutcome.noMatch(message.because(reason + " selected"));
		}
		catch (BindException ex) {
			return ConditionOutcome.noMatch(message.because("unknown lock manager or store type"));
		}
	}

}
