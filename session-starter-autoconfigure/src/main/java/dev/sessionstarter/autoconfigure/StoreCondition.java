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

/**
 * Matches the configuration class of the store that {@code sessions.store} selects
 * ({@link StoreType#MEMORY} when it is not set). An unknown value stops startup with an
 * {@link InvalidSessionsPropertyException} that lists the known ones.
 */
class StoreCondition extends SpringBootCondition {

	@Override
	public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
		Assert.isInstanceOf(AnnotationMetadata.class, metadata);
		String sourceClass = ((AnnotationMetadata) metadata).getClassName();
		ConditionMessage.Builder message = ConditionMessage.forCondition("Session store", sourceClass);
		StoreType required = StoreConfigurations.getType(sourceClass);
		try {
			BindResult<StoreType> specified = Binder.get(context.getEnvironment())
				.bind("sessions.store", StoreType.class);
			StoreType selected = specified.orElse(SessionsProperties.DEFAULT_STORE);
			if (selected == required) {
				return ConditionOutcome.match(message.because(selected.name().toLowerCase() + " store"
						+ (specified.isBound() ? "" : " (the default)")));
			}
			return ConditionOutcome.noMatch(message.because(selected.name().toLowerCase() + " store selected"));
		}
		catch (BindException ex) {
			throw new InvalidSessionsPropertyException("sessions.store",
					context.getEnvironment().getProperty("sessions.store"), "must be one of " + StoreType.names());
		}
	}

}
