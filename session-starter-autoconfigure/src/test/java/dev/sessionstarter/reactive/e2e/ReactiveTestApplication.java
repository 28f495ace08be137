package dev.sessionstarter.reactive.e2e;

import java.time.Duration;

import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.security.config.web.server.ServerHttpSecurity;
import org.springframework.security.web.server.SecurityWebFilterChain;
import org.springframework.session.FindByIndexNameSessionRepository;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.WebSession;

/**
 * A small WebFlux application whose requests read a counter from the session, optionally wait
 * (without blocking a thread), and write it back incremented: the workload that loses updates
 * without request locking. Tests start it on a random port, in this JVM or another.
 */
@SpringBootApplication
@Import(OneRequestPerConnection.class)
public class ReactiveTestApplication {

	public static void main(String[] args) {
		SpringApplication application = new SpringApplication(ReactiveTestApplication.class);
		application.setWebApplicationType(org.springframework.boot.WebApplicationType.REACTIVE);
		application.run(args);
	}

	@Bean
	SecurityWebFilterChain securityWebFilterChain(ServerHttpSecurity http) {
		return http.authorizeExchange((exchanges) -> exchanges.anyExchange().permitAll())
			.csrf((csrf) -> csrf.disable())
			.build();
	}

	@RestController
	static class CounterController {

		/** Answers the counter, starting the session (and sending its cookie) if it is new. */
		@GetMapping("/count")
		String count(WebSession session) {
			session.start();
			return String.valueOf(session.getAttributeOrDefault("count", 0));
		}

		@GetMapping("/increment")
		Mono<String> increment(WebSession session, @RequestParam(defaultValue = "0") long sleep) {
			int next = session.getAttributeOrDefault("count", 0) + 1;
			Mono<Long> pause = (sleep > 0) ? Mono.delay(Duration.ofMillis(sleep)) : Mono.just(0L);
			return pause.map((ignored) -> {
				session.getAttributes().put("count", next);
				return String.valueOf(next);
			});
		}

		@GetMapping("/login")
		String login(WebSession session, @RequestParam String user) {
			session.getAttributes().put(FindByIndexNameSessionRepository.PRINCIPAL_NAME_INDEX_NAME, user);
			return session.getId();
		}

		/** Keeps a mark and some padding in the session, for the size cap's tests. */
		@GetMapping("/set")
		String set(WebSession session, @RequestParam String mark, @RequestParam int padding) {
			session.getAttributes().put("mark", mark);
			session.getAttributes().put("padding", "p".repeat(padding));
			return "set " + mark;
		}

		@GetMapping("/mark")
		String mark(WebSession session) {
			return session.getAttributeOrDefault("mark", "none");
		}

		/** Blocks a non-blocking (Reactor parallel) thread: what BlockHound must catch. */
		@GetMapping("/block")
		Mono<String> block() {
			return Mono.fromCallable(() -> {
				Thread.sleep(1);
				return "blocked";
			}).subscribeOn(Schedulers.parallel());
		}

		@GetMapping("/fail")
		Mono<String> fail(WebSession session) {
			int next = session.getAttributeOrDefault("count", 0) + 1;
			session.getAttributes().put("count", next);
			return Mono.error(new IllegalStateException("failed on purpose"));
		}

	}

}
