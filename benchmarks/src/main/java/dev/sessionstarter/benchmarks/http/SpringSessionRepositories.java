package dev.sessionstarter.benchmarks.http;

import java.util.concurrent.ConcurrentHashMap;

import com.zaxxer.hikari.HikariDataSource;

import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.io.ClassPathResource;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.core.RedisTemplate;
import org.springframework.data.redis.serializer.StringRedisSerializer;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.jdbc.datasource.init.ResourceDatabasePopulator;
import org.springframework.session.MapSessionRepository;
import org.springframework.session.data.redis.RedisIndexedSessionRepository;
import org.springframework.session.data.redis.RedisSessionRepository;
import org.springframework.session.jdbc.JdbcIndexedSessionRepository;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Spring Session's own repositories, as their {@code @Enable...HttpSession} configurations
 * build them, one chosen by {@code benchmark.repository}: {@code map}
 * ({@link MapSessionRepository}), {@code redis} ({@link RedisSessionRepository}),
 * {@code redis-indexed} ({@link RedisIndexedSessionRepository}) on Boot's
 * {@code spring.data.redis.*} connection, or {@code jdbc} ({@link JdbcIndexedSessionRepository}
 * on an in-memory H2 database behind a HikariCP pool, with Spring Session's H2 schema). The
 * starter backs off when one is defined and still provides Spring Session's filter.
 */
@Configuration(proxyBeanMethods = false)
class SpringSessionRepositories {

	@Bean
	@ConditionalOnProperty(name = "benchmark.repository", havingValue = "map")
	MapSessionRepository mapSessionRepository() {
		return new MapSessionRepository(new ConcurrentHashMap<>());
	}

	@Bean
	@ConditionalOnProperty(name = "benchmark.repository", havingValue = "redis")
	RedisSessionRepository redisSessionRepository(RedisConnectionFactory connectionFactory) {
		return new RedisSessionRepository(template(connectionFactory));
	}

	@Bean
	@ConditionalOnProperty(name = "benchmark.repository", havingValue = "redis-indexed")
	RedisIndexedSessionRepository redisIndexedSessionRepository(RedisConnectionFactory connectionFactory) {
		return new RedisIndexedSessionRepository(template(connectionFactory));
	}

	@Bean(destroyMethod = "close")
	@ConditionalOnProperty(name = "benchmark.repository", havingValue = "jdbc")
	HikariDataSource sessionDataSource() {
		HikariDataSource dataSource = new HikariDataSource();
		dataSource.setJdbcUrl("jdbc:h2:mem:sessions;DB_CLOSE_DELAY=-1");
		dataSource.setMaximumPoolSize(10);
		new ResourceDatabasePopulator(new ClassPathResource("org/springframework/session/jdbc/schema-h2.sql"))
			.execute(dataSource);
		return dataSource;
	}

	@Bean
	@ConditionalOnProperty(name = "benchmark.repository", havingValue = "jdbc")
	JdbcIndexedSessionRepository jdbcIndexedSessionRepository(HikariDataSource sessionDataSource) {
		return new JdbcIndexedSessionRepository(new JdbcTemplate(sessionDataSource),
				new TransactionTemplate(new DataSourceTransactionManager(sessionDataSource)));
	}

	/**
	 * The template Spring Session's Redis configurations build: string keys, JDK-serialized values.
	 */
	private static RedisTemplate<String, Object> template(RedisConnectionFactory connectionFactory) {
		RedisTemplate<String, Object> template = new RedisTemplate<>();
		template.setKeySerializer(new StringRedisSerializer());
		template.setHashKeySerializer(new StringRedisSerializer());
		template.setConnectionFactory(connectionFactory);
		template.afterPropertiesSet();
		return template;
	}

}
