package dev.sessionstarter.sample;

import jakarta.servlet.http.HttpSession;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

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
	public Visits visit(HttpSession session) {
		Integer previous = (Integer) session.getAttribute(VISITS);
		int visits = (previous != null) ? previous + 1 : 1;
		session.setAttribute(VISITS, visits);
		return new Visits(visits);
	}

	/**
	 * The response of {@code GET /visits}.
	 *
	 * @param visits the visits of the session so far
	 */
	public record Visits(int visits) {

	}

}
