package dev.sessionstarter.reactive.secured;

import java.security.Principal;
import java.util.Map;

import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.web.server.ServerHttpSecurity;
import org.springframework.security.core.userdetails.MapReactiveUserDetailsService;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.web.server.SecurityWebFilterChain;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.WebSession;

import dev.sessionstarter.reactive.e2e.OneRequestPerConnection;

/**
 * A small WebFlux application with a Spring Security form login, whose security context Spring
 * Security keeps in the {@code WebSession}, for tests over real HTTP.
 */
@SpringBootApplication
@Import(OneRequestPerConnection.class)
public class SecuredReactiveApplication {

	@Bean
	SecurityWebFilterChain securityWebFilterChain(ServerHttpSecurity http) {
		return http
			.authorizeExchange((exchanges) -> exchanges.pathMatchers("/actuator/**")
				.permitAll()
				.anyExchange()
				.authenticated())
			.formLogin(Customizer.withDefaults())
			.csrf((csrf) -> csrf.disable())
			.build();
	}

	@Bean
	MapReactiveUserDetailsService users() {
		return new MapReactiveUserDetailsService(
				User.withUsername("alice").password("{noop}secret").roles("USER").build(),
				User.withUsername("bob").password("{noop}secret").roles("USER").build());
	}

	@RestController
	static class Pages {

		@GetMapping("/me")
		Map<String, Object> me(Principal principal, WebSession session) {
			return Map.of("name", principal.getName(), "session", session.getId());
		}

	}

}
