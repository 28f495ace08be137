package dev.sessionstarter.samplewebflux;

import reactor.core.publisher.Mono;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.WebSession;

/**
 * Counts the visits of one session: {@code GET /visits} increments an {@link Integer} session
 * attribute and returns it.
 */
@RestController
public class VisitController {

	/** The session attribute that holds the count. */
	static final String VISITS = "visits";

	/**
	 * Count this visit, creating the session on the first one.
	 * @param session the session
	 * @return the visits of this session so far, this one included
	 */
	@GetMapping("/visits")
	public Mono<Visits> visit(WebSession session) {
		int visits = session.getAttributeOrDefault(VISITS, 0) + 1;
		session.getAttributes().put(VISITS, visits);
		return Mono.just(new Visits(visits));
	}

	/**
	 * The response of {@code GET /visits}.
	 *
	 * @param visits the visits of the session so far
	 */
	public record Visits(int visits) {

	}

}
