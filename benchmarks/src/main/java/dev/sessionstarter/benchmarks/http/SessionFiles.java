package dev.sessionstarter.benchmarks.http;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.springframework.session.FindByIndexNameSessionRepository;

import dev.sessionstarter.serialization.JavaSessionSerializer;
import dev.sessionstarter.store.SessionChange;
import dev.sessionstarter.store.file.FileFormat;
import dev.sessionstarter.store.file.FileSessionStore;

/**
 * Writes the session files {@code benchmarks/http/purge.sh} starts its application over: in a
 * directory of the {@code file} store (binary format, JDK serializer, as
 * {@link HttpBenchmarkApplication} reads them), {@code expired} sessions that expired an hour
 * ago, shaped like the application's own (a {@code count} attribute), and {@code sessions} live
 * sessions logged in as {@code principal}. Run before the application starts.
 *
 * <p>Run: {@code java -cp ... dev.sessionstarter.benchmarks.http.SessionFiles <dir> 100000 user 3}
 */
public final class SessionFiles {

	private SessionFiles() {
	}

	public static void main(String[] args) {
		Path dir = Path.of(args[0]);
		int expired = Integer.parseInt(args[1]);
		String principal = args[2];
		int sessions = Integer.parseInt(args[3]);
		JavaSessionSerializer serializer = new JavaSessionSerializer(List.of(), null);
		byte[] count = serializer.serialize(1);
		long timeout = Duration.ofMinutes(30).toMillis();
		try (FileSessionStore store = new FileSessionStore(dir, FileFormat.BINARY, false)) {
			long past = System.currentTimeMillis() - Duration.ofHours(1).toMillis() - timeout;
			for (int i = 0; i < expired; i++) {
				store.save(new SessionChange(UUID.randomUUID().toString(), null, true, past, past, timeout, false, null,
						Map.of("count", count)));
			}
			long now = System.currentTimeMillis();
			for (int i = 0; i < sessions; i++) {
				store.save(new SessionChange(UUID.randomUUID().toString(), null, true, now, now, timeout, true,
						principal, Map.of("count", count, FindByIndexNameSessionRepository.PRINCIPAL_NAME_INDEX_NAME,
								serializer.serialize(principal))));
			}
		}
		System.out.printf("%,d expired sessions and %d of %s written to %s%n", expired, sessions, principal, dir);
	}

}
