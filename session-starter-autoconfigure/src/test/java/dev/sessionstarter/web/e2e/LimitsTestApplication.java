package dev.sessionstarter.web.e2e;

import java.io.IOException;

import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;

import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * A small web application that keeps a mark and some padding in its session, started on a
 * random port by {@link SessionLimitsEndToEndTests}.
 */
@SpringBootApplication
public class LimitsTestApplication {

	@Bean
	SecurityFilterChain securityFilterChain(HttpSecurity http) {
		return http.authorizeHttpRequests((requests) -> requests.anyRequest().permitAll())
			.csrf((csrf) -> csrf.disable())
			.build();
	}

	@RestController
	static class DataController {

		@GetMapping("/set")
		String set(HttpSession session, @RequestParam String mark, @RequestParam int padding) {
			session.setAttribute("mark", mark);
			session.setAttribute("padding", "p".repeat(padding));
			return "set " + mark;
		}

		@GetMapping("/mark")
		String mark(HttpSession session) {
			Object mark = session.getAttribute("mark");
			return (mark != null) ? mark.toString() : "none";
		}

		@GetMapping("/change-id")
		String changeId(jakarta.servlet.http.HttpServletRequest request) {
			return request.changeSessionId();
		}

		/** Sends the whole response first, then changes the session. */
		@GetMapping("/set-after-response")
		void setAfterResponse(HttpSession session, HttpServletResponse response, @RequestParam String mark,
				@RequestParam int padding) throws IOException {
			response.setContentType("text/plain");
			response.getWriter().write("sent " + mark);
			response.flushBuffer();
			session.setAttribute("mark", mark);
			session.setAttribute("padding", "p".repeat(padding));
		}

	}

}
