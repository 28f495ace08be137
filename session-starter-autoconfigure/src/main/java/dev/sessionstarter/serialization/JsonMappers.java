package dev.sessionstarter.serialization;

import org.jspecify.annotations.Nullable;
import tools.jackson.databind.cfg.JsonNodeFeature;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.jsontype.BasicPolymorphicTypeValidator;

import org.springframework.security.jackson.SecurityJacksonModules;
import org.springframework.util.ClassUtils;

/**
 * The Jackson mappers of a {@link JsonSessionSerializer}: the plain one, and the one with Spring
 * Security's modules for Spring Security's types, built only when Spring Security is present.
 */
final class JsonMappers {

	private static final String SECURITY_PACKAGE = "org.springframework.security.";

	private static final String SECURITY_MODULES = "org.springframework.security.jackson.SecurityJacksonModules";

	private final JsonMapper plain = JsonMapper.builder()
		.enable(JsonNodeFeature.USE_BIG_DECIMAL_FOR_FLOATS)
		.disable(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES)
		.build();

	private final @Nullable JsonMapper security;

	JsonMappers(@Nullable ClassLoader classLoader, ClassNamePatterns allowed) {
		this.security = ClassUtils.isPresent(SECURITY_MODULES, classLoader)
				? SecurityMapper.create(classLoader, allowed) : null;
	}

	/**
	 * Return the mapper that reads and writes JSON trees and binds the types that need no
	 * module.
	 */
	JsonMapper plain() {
		return this.plain;
	}

	/**
	 * Return the mapper for a bean type: Spring Security's types need its Jackson modules, which
	 * bring their own allow-list of the types inside them.
	 */
	JsonMapper mapperFor(Class<?> type) {
		JsonMapper security = this.security;
		return (security != null && type.getName().startsWith(SECURITY_PACKAGE)) ? security : this.plain;
	}

	/**
	 * Builds the mapper for Spring Security's types apart, so that Spring Security is only
	 * needed when it is on the classpath.
	 */
	private static final class SecurityMapper {

		/**
		 * Create the mapper; the types inside Spring Security's (a custom principal, say) must
		 * be allowed by the serializer's allow-list as well.
		 */
		static JsonMapper create(@Nullable ClassLoader classLoader, ClassNamePatterns allowed) {
			ClassLoader loader = (classLoader != null) ? classLoader : SecurityMapper.class.getClassLoader();
			BasicPolymorphicTypeValidator.Builder validator = BasicPolymorphicTypeValidator.builder()
				.allowIfSubType((context, type) -> allowed.matches(type.getName()));
			return JsonMapper.builder()
				.addModules(SecurityJacksonModules.getModules(loader, validator))
				.build();
		}

	}

}
