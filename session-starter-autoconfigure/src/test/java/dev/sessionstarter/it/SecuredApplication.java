package dev.sessionstarter.it;

import java.security.Principal;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import jakarta.servlet.http.HttpSession;
import jakarta.servlet.http.HttpSessionEvent;
import jakarta.servlet.http.HttpSessionListener;

import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * A small application with a Spring Security form login, for tests over real HTTP.
 */
@SpringBootApplication
public class SecuredApplication {

	@Bean
	SecurityFilterChain securityFilterChain(HttpSecurity http) throws Exception {
		return http.authorizeHttpRequests((requests) -> requests.requestMatchers("/actuator/**", "/visit")
			.permitAll()
			.anyRequest()
			.authenticated())
			.formLogin(Customizer.withDefaults())
			.csrf((csrf) -> csrf.disable())
			.build();
	}

	@Bean
	InMemoryUserDetailsManager users() {
		return new InMemoryUserDetailsManager(User.withUsername("alice").password("{noop}secret").roles("USER").build(),
				User.withUsername("bob").password("{noop}secret").roles("USER").build());
	}

	@Bean
	RecordingSessionListener recordingSessionListener() {
		return new RecordingSessionListener();
	}

	@RestController
	static class Pages {

		@GetMapping("/me")
		Map<String, Object> me(Principal principal, HttpSession session) {
			return Map.of("name", principal.getName(), "session", session.getId(), "timeout",
					session.getMaxInactiveInterval());
		}

		@GetMapping("/visit")
		Map<String, Object> visit(HttpSession session) {
			Integer visits = (Integer) session.getAttribute("visits");
			int next = (visits != null) ? visits + 1 : 1;
			session.setAttribute("visits", next);
			return Map.of("visits", next, "session", session.getId());
		}

	}

	/**
	 * Records the servlet session events it hears, as an application's listener would.
	 */
	public static class RecordingSessionListener implements HttpSessionListener {

		final List<String> created = new CopyOnWriteArrayList<>();

		final List<String> destroyed = new CopyOnWriteArrayList<>();

		@Override
		public void sessionCreated(HttpSessionEvent event) {
			this.created.add(event.getSession().getId());
		}

		@Override
		public void sessionDestroyed(HttpSessionEvent event) {
			this.destroyed.add(event.getSession().getId());
		}

	}

}
