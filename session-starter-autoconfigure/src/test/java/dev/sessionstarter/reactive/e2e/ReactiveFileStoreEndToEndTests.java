package dev.sessionstarter.reactive.e2e;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.WebApplicationType;

import dev.sessionstarter.lock.e2e.SessionClient;
import dev.sessionstarter.lock.e2e.TestApplicationProcess;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A WebFlux application on Netty with {@code sessions.store=file} (and its native file locks)
 * in another JVM, under BlockHound: sessions survive a restart of the application, parallel
 * requests of one session lose no update, and no event-loop thread ever blocks on the store or a
 * lock (BlockHound would fail the request and print the call).
 */
class ReactiveFileStoreEndToEndTests {

	@TempDir
	Path dir;

	@Test
	void countersSurviveARestartAndNothingBlocksAnEventLoop() throws Exception {
		List<String> properties = List.of("server.port=0", "server.address=127.0.0.1", "sessions.store=file",
				"sessions.file.dir=" + this.dir.resolve("sessions"));
		String session;
		try (TestApplicationProcess first = start(properties, "reactive-file-first.log")) {
			SessionClient client = new SessionClient(first.port());
			session = client.newSession("/increment");
			try {
				client.hammer("/increment?sleep=1", session, 8, 100);
			}
			catch (Exception ex) {
				first.dumpThreads();
				throw ex;
			}
			assertThat(client.count(session)).isEqualTo(801);
			assertThat(first.output()).doesNotContain(TestApplicationProcess.BLOCKING_CALL);
		}
		try (TestApplicationProcess second = start(properties, "reactive-file-second.log")) {
			SessionClient client = new SessionClient(second.port());
			HttpResponse<String> next = client.get("/increment", session);
			assertThat(next.statusCode()).isEqualTo(200);
			assertThat(next.body()).isEqualTo("802");
			assertThat(second.output()).doesNotContain(TestApplicationProcess.BLOCKING_CALL);
			// and BlockHound is watching: a handler that sleeps on a non-blocking thread is caught
			assertThat(client.get("/block", session).statusCode()).isEqualTo(500);
			assertThat(second.output()).contains(TestApplicationProcess.BLOCKING_CALL);
		}
	}

	private static TestApplicationProcess start(List<String> properties, String log) throws Exception {
		return TestApplicationProcess.start(ReactiveTestApplication.class, WebApplicationType.REACTIVE, properties,
				Path.of("target", log));
	}

}
