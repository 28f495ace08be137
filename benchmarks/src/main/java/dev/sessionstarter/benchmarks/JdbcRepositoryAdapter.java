package dev.sessionstarter.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;
import java.util.UUID;

import com.zaxxer.hikari.HikariDataSource;
import org.jspecify.annotations.Nullable;

import org.springframework.core.io.ClassPathResource;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.jdbc.datasource.init.ResourceDatabasePopulator;
import org.springframework.session.Session;
import org.springframework.session.SessionRepository;
import org.springframework.session.jdbc.JdbcIndexedSessionRepository;
import org.springframework.transaction.support.TransactionTemplate;
import org.springframework.util.FileSystemUtils;

/**
 * Spring Session's {@link JdbcIndexedSessionRepository} on an embedded H2 database behind a
 * HikariCP pool (4 connections), with Spring Session's own H2 schema, as
 * {@code spring-session-jdbc} and Boot configure it. A find is a select of the session row and
 * its attribute rows; a save, in one transaction, an update of the session row and of each
 * changed attribute row. {@link #close()} closes the pool and deletes the database.
 */
final class JdbcRepositoryAdapter extends RepositoryAdapter<Session> {

	private final HikariDataSource dataSource;

	private final JdbcTemplate jdbc;

	private final @Nullable Path dir;

	private JdbcRepositoryAdapter(JdbcTemplate jdbc, HikariDataSource dataSource, @Nullable Path dir) {
		super(sessionRepository(new JdbcIndexedSessionRepository(jdbc,
				new TransactionTemplate(new DataSourceTransactionManager(dataSource)))));
		this.dataSource = dataSource;
		this.jdbc = jdbc;
		this.dir = dir;
	}

	/**
	 * Create the adapter over a new in-memory H2 database.
	 * @return the adapter
	 */
	static JdbcRepositoryAdapter inMemory() {
		return create("jdbc:h2:mem:sessions-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1", null);
	}

	/**
	 * Create the adapter over a new H2 database in a file (H2's defaults: commits reach the
	 * disk within a second, not forced one by one).
	 * @param parent where to create the database's directory
	 * @return the adapter
	 * @throws IOException if the directory cannot be created
	 */
	static JdbcRepositoryAdapter onDisk(Path parent) throws IOException {
		Path dir = Files.createTempDirectory(parent, "h2-benchmark-");
		return create("jdbc:h2:file:" + dir.resolve("sessions"), dir);
	}

	private static JdbcRepositoryAdapter create(String url, @Nullable Path dir) {
		HikariDataSource dataSource = new HikariDataSource();
		dataSource.setJdbcUrl(url);
		dataSource.setMaximumPoolSize(4);
		new ResourceDatabasePopulator(new ClassPathResource("org/springframework/session/jdbc/schema-h2.sql"))
			.execute(dataSource);
		return new JdbcRepositoryAdapter(new JdbcTemplate(dataSource), dataSource, dir);
	}

	/**
	 * View the repository through {@code Session}: its own session type is package-private, and
	 * the adapter only ever saves sessions the same repository created.
	 */
	@SuppressWarnings("unchecked")
	private static SessionRepository<Session> sessionRepository(JdbcIndexedSessionRepository repository) {
		return (SessionRepository<Session>) (SessionRepository<?>) repository;
	}

	@Override
	public long size() {
		return Objects.requireNonNull(this.jdbc.queryForObject("SELECT COUNT(*) FROM SPRING_SESSION", Long.class));
	}

	@Override
	public void close() throws IOException {
		this.dataSource.close();
		if (this.dir != null) {
			FileSystemUtils.deleteRecursively(this.dir);
		}
	}

}
