import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import jakarta.servlet.FilterChain;
import jakarta.servlet.http.Cookie;

import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;
import org.springframework.session.web.http.CookieHttpSessionIdResolver;

import dev.sessionstarter.lock.LockStatistics;
import dev.sessionstarter.lock.MemorySessionLockManager;
import dev.sessionstarter.lock.NoneSessionLockManager;
import dev.sessionstarter.lock.SessionLockFilter;
import dev.sessionstarter.lock.SessionLockManager;

/**
 * The CPU cost SessionLockFilter adds to one request, without HTTP around it: one thread sends
 * requests with the session cookies of many distinct sessions (the "many sessions" workload)
 * through the filter with the memory lock manager, with the none manager, and straight to an
 * empty chain, and prints nanoseconds per request of each. run.sh runs it; by hand, with the
 * test classpath of session-starter-autoconfigure:
 * {@code java -cp <classpath> benchmarks/lock/FilterOverhead.java [sessions] [rounds]}.
 */
public class FilterOverhead {

	private static volatile int sink;

	public static void main(String[] args) throws Exception {
		int sessions = (args.length > 0) ? Integer.parseInt(args[0]) : 1000;
		int rounds = (args.length > 1) ? Integer.parseInt(args[1]) : 5;
		List<MockHttpServletRequest> requests = new ArrayList<>();
		for (int i = 0; i < sessions; i++) {
			MockHttpServletRequest request = new MockHttpServletRequest("GET", "/increment");
			String id = UUID.randomUUID().toString();
			request.setCookies(new Cookie("SESSION",
					java.util.Base64.getEncoder().encodeToString(id.getBytes())));
			requests.add(request);
		}
		SessionLockFilter memory = filter(new MemorySessionLockManager());
		SessionLockFilter none = filter(NoneSessionLockManager.INSTANCE);
		FilterChain chain = (request, response) -> sink++;
		MockHttpServletResponse response = new MockHttpServletResponse();
		int perRound = 2_000_000;
		double[] memoryNanos = new double[rounds];
		double[] noneNanos = new double[rounds];
		double[] bareNanos = new double[rounds];
		for (int round = -2; round < rounds; round++) {
			double m = run(requests, perRound, (request) -> memory.doFilter(request, response, chain));
			double n = run(requests, perRound, (request) -> none.doFilter(request, response, chain));
			double b = run(requests, perRound, (request) -> chain.doFilter(request, response));
			if (round >= 0) {
				memoryNanos[round] = m;
				noneNanos[round] = n;
				bareNanos[round] = b;
			}
		}
		System.out.printf("ns per request over %d sessions, median of %d rounds of %d requests:%n", sessions,
				rounds, perRound);
		System.out.printf("  no filter:                                        %8.1f%n", median(bareNanos));
		System.out.printf("  filter, none manager (reading the cookie, etc.):  %8.1f%n", median(noneNanos));
		System.out.printf("  filter, memory manager (the real lock):           %8.1f%n", median(memoryNanos));
	}

	private static SessionLockFilter filter(SessionLockManager manager) {
		SessionLockFilter filter = new SessionLockFilter(manager, new CookieHttpSessionIdResolver(),
				new LockStatistics(manager));
		filter.setTimeout(Duration.ofSeconds(5));
		return filter;
	}

	private static double run(List<MockHttpServletRequest> requests, int count, Body body) throws Exception {
		long start = System.nanoTime();
		for (int i = 0; i < count; i++) {
			body.run(requests.get(i % requests.size()));
		}
		return (System.nanoTime() - start) / (double) count;
	}

	private static double median(double[] values) {
		double[] sorted = values.clone();
		java.util.Arrays.sort(sorted);
		return sorted[sorted.length / 2];
	}

	@FunctionalInterface
	interface Body {

		void run(MockHttpServletRequest request) throws Exception;

	}

}
