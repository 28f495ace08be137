package dev.sessionstarter.sample;

import java.util.LinkedHashMap;
import java.util.Map;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code GET /} lists what the sample offers.
 */
@RestController
public class IndexController {

	/**
	 * List the sample's endpoints and the actuator endpoints that show the session store.
	 * @return each endpoint and what it does
	 */
	@GetMapping("/")
	public Map<String, String> index() {
		Map<String, String> index = new LinkedHashMap<>();
		index.put("GET /visits", "count this session's visits");
		index.put("POST /cart?item=book", "add an item to this session's cart");
		index.put("GET /cart", "list this session's cart");
		index.put("GET /actuator/sessionstore", "what the session store holds: sessions, bytes, limits, counters");
		index.put("POST /actuator/sessionstore/purge", "remove expired sessions now");
		index.put("GET /actuator/metrics/sessions.store.bytes", "the store's bytes as a meter");
		index.put("GET /actuator/sessions?username=alice", "Spring Boot's view of one user's sessions");
		index.put("GET /actuator/health", "health");
		return index;
	}

}
