package dev.sessionstarter.lock.e2e;

import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.session.FindByIndexNameSessionRepository;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * A small web application whose requests read a counter from the session, optionally sleep,
 * and write it back incremented: the workload that loses updates without request locking. The
 * end-to-end tests start it on a random port; {@code benchmarks/lock/} starts its {@link #main}
 * for the load benchmark.
 */
@SpringBootApplication
public class LockTestApplication {

	public static void main(String[] args) {
		SpringApplication.run(LockTestApplication.class, args);
	}

	@Bean
	SecurityFilterChain securityFilterChain(HttpSecurity http) {
		return http.authorizeHttpRequests((requests) -> requests.anyRequest().permitAll())
			.csrf((csrf) -> csrf.disable())
			.build();
	}

	@Bean
	Gate gate() {
		return new Gate();
	}

	/**
	 * Lets a test hold a request inside the controller, with its session lock, until it opens.
	 */
	static class Gate {

		private volatile CountDownLatch entered = new CountDownLatch(1);

		private volatile CountDownLatch open = new CountDownLatch(1);

		void reset() {
			this.entered = new CountDownLatch(1);
			this.open = new CountDownLatch(1);
		}

		void pass() throws InterruptedException {
			this.entered.countDown();
			this.open.await(30, TimeUnit.SECONDS);
		}

		boolean awaitEntered() throws InterruptedException {
			return this.entered.await(30, TimeUnit.SECONDS);
		}

		void open() {
			this.open.countDown();
		}

	}

	@RestController
	static class CounterController {

		private final Gate gate;

		CounterController(Gate gate) {
			this.gate = gate;
		}

		@GetMapping("/increment")
		int increment(HttpSession session, @RequestParam(defaultValue = "0") long sleep) throws InterruptedException {
			int next = count(session) + 1;
			if (sleep > 0) {
				Thread.sleep(sleep);
			}
			session.setAttribute("count", next);
			return next;
		}

		@GetMapping("/count")
		int count(HttpSession session) {
			Integer count = (Integer) session.getAttribute("count");
			return (count != null) ? count : 0;
		}

		@GetMapping("/sign-in")
		String signIn(HttpSession session, @RequestParam String user) {
			session.setAttribute(FindByIndexNameSessionRepository.PRINCIPAL_NAME_INDEX_NAME, user);
			return user;
		}

		@GetMapping("/hold")
		int hold(HttpSession session) throws InterruptedException {
			int count = count(session);
			this.gate.pass();
			return count;
		}

		@GetMapping("/fail")
		int fail(HttpSession session) {
			session.setAttribute("failed", true);
			throw new IllegalStateException("Controller failed on purpose");
		}

		@GetMapping("/forward")
		void forward(HttpServletRequest request, HttpServletResponse response) throws ServletException, java.io.IOException {
			request.getRequestDispatcher("/increment").forward(request, response);
		}

		@GetMapping("/include")
		void include(HttpServletRequest request, HttpServletResponse response) throws ServletException, java.io.IOException {
			request.getRequestDispatcher("/increment").include(request, response);
		}

		@GetMapping("/async-increment")
		Callable<Integer> asyncIncrement(HttpSession session) {
			int next = count(session) + 1;
			return () -> {
				Thread.sleep(2);
				session.setAttribute("count", next);
				return next;
			};
		}

	}

}
