package dev.sessionstarter.benchmarks.http;

import jakarta.servlet.http.HttpSession;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * The web application {@code benchmarks/http/run.sh} starts once per variant: Spring MVC and
 * Spring Security (every request permitted) on embedded Tomcat, its sessions kept by the store
 * {@code sessions.store} selects, or by one of Spring Session's own repositories when
 * {@code benchmark.repository} names one ({@link SpringSessionRepositories}).
 * {@code GET /increment} reads a counter from the session and writes it back + 1;
 * {@code GET /count} only reads it.
 */
@SpringBootApplication
public class HttpBenchmarkApplication {

	public static void main(String[] args) {
		SpringApplication.run(HttpBenchmarkApplication.class, args);
	}

	@Bean
	SecurityFilterChain securityFilterChain(HttpSecurity http) {
		return http.authorizeHttpRequests((requests) -> requests.anyRequest().permitAll())
			.csrf((csrf) -> csrf.disable())
			.build();
	}

	@RestController
	static class CounterController {

		@GetMapping("/increment")
		int increment(HttpSession session) {
			int next = count(session) + 1;
			session.setAttribute("count", next);
			return next;
		}

		@GetMapping("/count")
		int count(HttpSession session) {
			Integer count = (Integer) session.getAttribute("count");
			return (count != null) ? count : 0;
		}

	}

}
