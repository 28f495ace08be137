package dev.sessionstarter.autoconfigure;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.test.context.runner.WebApplicationContextRunner;

import dev.sessionstarter.lock.SessionLockManager;
import dev.sessionstarter.store.redis.RedisKeys;
import dev.sessionstarter.store.redis.RedisServer;
import dev.sessionstarter.store.StoreSessionRepository;
import dev.sessionstarter.store.StoredSession;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The {@code redis} store and lock manager on a standalone Redis that only an ACL user may use
 * ({@code spring.data.redis.username} and {@code password}), in a database other than 0, with a
 * client name: two instances share a session and a lock, a waiter is woken by the release notice
 * its subscription hears, and every connection of theirs is the user's and named.
 */
class RedisAclUserTests {

	@RegisterExtension
	static final RedisServer redis = new RedisServer(AclRedis.SERVER_OPTIONS.toArray(new String[0]));

	private final WebApplicationContextRunner instance = RedisApplications.runner()
		.withPropertyValues("sessions.store=redis", "sessions.redis.namespace=acl",
				"sessions.redis.lock-lease=" + AclRedis.LEASE.toSeconds() + "s",
				"spring.data.redis.port=" + redis.port(), "spring.data.redis.database=3")
		.withPropertyValues(AclRedis.PROPERTIES);

	@Test
	void twoInstancesShareSessionsAndLocksAsTheUser() {
		this.instance.run((one) -> this.instance.run((two) -> {
			assertThat(one).hasNotFailed();
			StoreSessionRepository repository = one.getBean(StoreSessionRepository.class);
			StoredSession session = repository.createSession();
			session.setAttribute("a", 1);
			repository.save(session);
			assertThat((Integer) two.getBean(StoreSessionRepository.class).findById(session.getId()).getAttribute("a"))
				.isEqualTo(1);
			assertThat(cli("-n", "3", "dbsize").trim()).isNotEqualTo("0");
			assertThat(cli("-n", "0", "dbsize").trim()).isEqualTo("0");
			String releases = new String(new RedisKeys("acl").lockReleases());
			AclRedis.releaseWakesAWaiter(one.getBean(SessionLockManager.class), two.getBean(SessionLockManager.class),
					session.getId(), () -> await().atMost(AclRedis.WAIT)
						.until(() -> cli("pubsub", "numsub", releases).trim().endsWith("\n1")));
			AclRedis.assertClientsNamedAndOfTheUser(cli("client", "list"));
		}));
	}

	private static String cli(String... arguments) {
		List<String> command = new ArrayList<>(List.of("-p", Integer.toString(redis.port()), "--no-auth-warning"));
		command.addAll(AclRedis.CLI_AUTHENTICATION);
		command.addAll(List.of(arguments));
		return RedisServer.cli(command.toArray(new String[0]));
	}

}
