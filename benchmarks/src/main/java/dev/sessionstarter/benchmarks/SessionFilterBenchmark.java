package dev.sessionstarter.benchmarks;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpSession;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;
import org.springframework.mock.web.MockServletContext;
import org.springframework.session.MapSessionRepository;
import org.springframework.session.SessionRepository;
import org.springframework.session.web.http.CookieHttpSessionIdResolver;
import org.springframework.session.web.http.SessionRepositoryFilter;
import org.springframework.util.FileSystemUtils;

import dev.sessionstarter.lock.LockStatistics;
import dev.sessionstarter.lock.MemorySessionLockManager;
import dev.sessionstarter.lock.SessionLockFilter;
import dev.sessionstarter.lock.SessionLockManager;
import dev.sessionstarter.metrics.SessionLockMeterBinder;
import dev.sessionstarter.metrics.SessionStoreMeterBinder;
import dev.sessionstarter.serialization.JavaSessionSerializer;
import dev.sessionstarter.store.StoreSessionRepository;
import dev.sessionstarter.store.file.FileFormat;
import dev.sessionstarter.store.file.FileSessionLockManager;
import dev.sessionstarter.store.file.FileSessionStore;
import dev.sessionstarter.store.memoized.Coherence;
import dev.sessionstarter.store.memoized.MemoizedSessionStore;
import dev.sessionstarter.store.memory.MemorySessionStore;
import dev.sessionstarter.web.SessionTooLargeFilter;

/**
 * The session work of one HTTP request as the servlet filters do it, without HTTP around it:
 * the filters the starter registers ({@link SessionTooLargeFilter}, {@link SessionLockFilter}
 * for {@code memory}, Spring Session's {@link SessionRepositoryFilter}) and a servlet that does
 * what {@code benchmarks/http}'s application does with the session (Spring Security looks for
 * its context, then the counter is read, and written back + 1 when the request writes), over
 * {@link #sessions} returning sessions taken in turn. {@code memory} is the starter's default
 * store with its request locks, meters on a {@link SimpleMeterRegistry} and the default save
 * period; {@code map} is Spring Session's {@link MapSessionRepository} without locks, as
 * {@code benchmarks/http}'s {@code map} variant runs it.
 *
 * <p>Run it with {@code -prof gc} for the bytes allocated per request, which hardly move with the
 * load of the machine: {@code java -jar benchmarks/target/benchmarks.jar SessionFilterBenchmark
 * -prof gc}. {@code read} is a request that only reads the session; {@code write} one that
 * changes it. Like {@link RequestCycleBenchmark}, it reports the CPU time of the benchmark
 * thread ({@code cpuNanos} over {@code operations}), steadier than the score on a busy machine.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Threads(1)
@State(Scope.Benchmark)
public class SessionFilterBenchmark {

	/**
	 * Which sessions: {@code memory} (the starter's, with locks) or {@code map} (Spring Session's);
	 * also {@code file} and {@code memoized} (validate, over binary files in {@code /dev/shm}) with
	 * the file store's locks, given with {@code -p variant=file,memoized}.
	 */
	@Param({ "memory", "map" })
	public String variant;

	/** How many returning sessions the requests take in turn. */
	@Param("1000")
	public int sessions;

	private Filter[] filters;

	private String[] cookies;

	private Path directory;

	private int next;

	/**
	 * Build the filters and create the sessions, each by a request of its own.
	 * @throws Exception if a request fails
	 */
	@Setup(Level.Trial)
	public void createSessions() throws Exception {
		this.directory = ("file".equals(this.variant) || "memoized".equals(this.variant))
				? Files.createTempDirectory(Path.of("/dev/shm"), "filter-benchmark") : null;
		FileSessionStore files = (this.directory != null)
				? new FileSessionStore(this.directory, FileFormat.BINARY, false) : null;
		SessionRepository<?> repository = switch (this.variant) {
			case "map" -> new MapSessionRepository(new ConcurrentHashMap<>());
			case "file" -> configure(new StoreSessionRepository(files, new JavaSessionSerializer(List.of(), null)));
			case "memoized" -> configure(new StoreSessionRepository(new MemoizedSessionStore(files,
					new MemorySessionStore(64L * 1024 * 1024, 100_000, 0.9, Clock.systemUTC()), Coherence.VALIDATE),
					new JavaSessionSerializer(List.of(), null)));
			default -> memoryRepository();
		};
		SessionRepositoryFilter<?> sessionFilter = new SessionRepositoryFilter<>(repository);
		if (!"map".equals(this.variant)) {
			SessionLockManager manager = (files != null) ? new FileSessionLockManager(files)
					: new MemorySessionLockManager();
			LockStatistics statistics = new LockStatistics(manager);
			new SessionLockMeterBinder(statistics).bindTo(METERS);
			SessionLockFilter lockFilter = new SessionLockFilter(manager, new CookieHttpSessionIdResolver(),
					statistics);
			// as the auto-configuration does: Spring Session's filter takes the ids the lock filter read
			sessionFilter.setHttpSessionIdResolver(lockFilter.getSharedSessionIdResolver());
			this.filters = new Filter[] { new SessionTooLargeFilter(), lockFilter, sessionFilter };
		}
		else {
			this.filters = new Filter[] { new SessionTooLargeFilter(), sessionFilter };
		}
		this.cookies = new String[this.sessions];
		for (int i = 0; i < this.sessions; i++) {
			MockHttpServletResponse response = new MockHttpServletResponse();
			handle(new MockHttpServletRequest("GET", "/count"), response, true);
			Cookie cookie = response.getCookie("SESSION");
			if (cookie == null) {
				throw new IllegalStateException("No session cookie in the response");
			}
			this.cookies[i] = cookie.getValue();
		}
		if (files != null) {
			// written once more, as benchmarks/http's warm-up does: a memoized cache keeps the files of
			// sessions saved twice mapped
			for (int i = 0; i < this.sessions; i++) {
				request(true);
			}
		}
		String id = new String(Base64.getDecoder().decode(this.cookies[0]), StandardCharsets.UTF_8);
		if (repository.findById(id) == null) {
			throw new IllegalStateException("Session " + id + " was not stored");
		}
	}

	/**
	 * Delete the session files of {@code file} and {@code memoized}.
	 * @throws IOException if they cannot be deleted
	 */
	@TearDown(Level.Trial)
	public void deleteFiles() throws IOException {
		if (this.directory != null) {
			FileSystemUtils.deleteRecursively(this.directory);
		}
	}

	private static final SimpleMeterRegistry METERS = new SimpleMeterRegistry();

	private static final MockServletContext SERVLET_CONTEXT = new MockServletContext();

	private static StoreSessionRepository memoryRepository() {
		return configure(new StoreSessionRepository(new MemorySessionStore(64 * 1024 * 1024, 0.75, Clock.systemUTC()),
				new JavaSessionSerializer(List.of(), null)));
	}

	private static StoreSessionRepository configure(StoreSessionRepository repository) {
		repository.setSavePeriod(Duration.ofMinutes(1));
		repository.setMaxSessionSize(1024 * 1024);
		new SessionStoreMeterBinder(repository).bindTo(METERS);
		return repository;
	}

	/**
	 * A request that only reads its session ({@code GET /count}).
	 * @param cpu this thread's CPU time counters
	 * @return the counter read
	 * @throws Exception if the request fails
	 */
	@Benchmark
	public int read(RequestCycleBenchmark.CpuTime cpu) throws Exception {
		cpu.operations++;
		return request(false);
	}

	/**
	 * A request that writes its session ({@code GET /increment}).
	 * @param cpu this thread's CPU time counters
	 * @return the counter written
	 * @throws Exception if the request fails
	 */
	@Benchmark
	public int write(RequestCycleBenchmark.CpuTime cpu) throws Exception {
		cpu.operations++;
		return request(true);
	}

	private int request(boolean write) throws Exception {
		String cookie = this.cookies[this.next];
		this.next = (this.next + 1) % this.cookies.length;
		MockHttpServletRequest request = new MockHttpServletRequest(SERVLET_CONTEXT, "GET",
				write ? "/increment" : "/count");
		request.setCookies(new Cookie("SESSION", cookie));
		MockHttpServletResponse response = new MockHttpServletResponse();
		return handle(request, response, write);
	}

	private int handle(MockHttpServletRequest request, MockHttpServletResponse response, boolean write)
			throws IOException, ServletException {
		int[] count = new int[1];
		new Chain(this.filters, (servletRequest) -> {
			HttpSession session = ((HttpServletRequest) servletRequest).getSession();
			session.getAttribute("SPRING_SECURITY_CONTEXT");
			Integer stored = (Integer) session.getAttribute("count");
			count[0] = (stored != null) ? stored : 0;
			if (write) {
				count[0]++;
				session.setAttribute("count", count[0]);
			}
		}).doFilter(request, response);
		return count[0];
	}

	/**
	 * The servlet at the end of the chain.
	 */
	@FunctionalInterface
	private interface Servlet {

		void service(ServletRequest request);

	}

	/**
	 * A filter chain over the filters and then the servlet.
	 */
	private static final class Chain implements FilterChain {

		private final Filter[] filters;

		private final Servlet servlet;

		private int position;

		Chain(Filter[] filters, Servlet servlet) {
			this.filters = filters;
			this.servlet = servlet;
		}

		@Override
		public void doFilter(ServletRequest request, ServletResponse response) throws IOException, ServletException {
			if (this.position < this.filters.length) {
				this.filters[this.position++].doFilter(request, response, this);
			}
			else {
				this.servlet.service(request);
			}
		}

	}

}
