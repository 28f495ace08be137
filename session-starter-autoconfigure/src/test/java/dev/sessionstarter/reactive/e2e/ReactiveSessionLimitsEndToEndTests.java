package dev.sessionstarter.reactive.e2e;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;

import dev.sessionstarter.web.e2e.SessionLimitsOverHttp;

/**
 * The session size cap of a WebFlux application over real HTTP on Netty, as on the servlet side.
 */
class ReactiveSessionLimitsEndToEndTests extends SessionLimitsOverHttp {

	@Override
	protected SpringApplicationBuilder application() {
		return new SpringApplicationBuilder(ReactiveTestApplication.class).web(WebApplicationType.REACTIVE);
	}

}
